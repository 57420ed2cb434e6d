// The non-apply writes the API server accepts besides server-side apply: JSON merge patch
// (RFC 7386, application/merge-patch+json) and JSON patch (RFC 6902, application/json-patch+json),
// each producing the whole new object that an Update operation then stores.
import { ApiError } from "./engine.ts";
import { clone, equal, isMap, type Json } from "./apply.ts";

export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  const out: Record<string, Json> = isMap(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** RFC 6901 pointer: `/metadata/annotations/meta.helm.sh~1release-name`. */
function pointer(path: string): string[] {
  if (!path.startsWith("/")) throw invalid(`invalid JSON pointer ${path}`);
  return path.slice(1).split("/").map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function invalid(message: string): ApiError {
  return new ApiError(422, "Invalid", message);
}

export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new ApiError(400, "BadRequest", "a JSON patch must be a list of operations");
  const doc = clone(target);
  for (const operation of operations) {
    const parts = pointer(String(operation.path));
    const last = parts.pop()!;
    const parent = parts.reduce((node: Json, part) => (node === undefined ? undefined : Array.isArray(node) ? node[Number(part)] : node[part]), doc);
    if (parent === undefined || parent === null || typeof parent !== "object") throw invalid(`jsonpatch ${operation.op} operation does not apply: doc is missing path: ${operation.path}`);
    const present = Array.isArray(parent) ? Number(last) < parent.length : last in parent;
    switch (operation.op) {
      case "test":
        if (!present || !equal(parent[last], operation.value)) throw invalid("the server rejected our request due to an error in our request");
        break;
      case "remove":
        if (!present) throw invalid(`jsonpatch remove operation does not apply: doc is missing key: ${operation.path}`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      case "add":
      case "replace":
        if (operation.op === "replace" && !present) throw invalid(`jsonpatch replace operation does not apply: doc is missing key: ${operation.path}`);
        if (Array.isArray(parent)) {
          const index = last === "-" ? parent.length : Number(last);
          parent.splice(index, operation.op === "replace" ? 1 : 0, clone(operation.value));
        } else {
          parent[last] = clone(operation.value);
        }
        break;
      default:
        throw new ApiError(400, "BadRequest", `JSON patch operation ${operation.op} is not supported by the fake API server`);
    }
  }
  return doc;
}
