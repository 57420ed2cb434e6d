// "Would applying this change anything?" answered from live state alone: a desired object whose
// every field is already present with the same value in the live object changes nothing
// (quantities compared as the server stores them: `1024Mi` is held as `1Gi`).
import { isQuantityField, sameQuantity } from "./quantity.ts";

type Json = any;

/**
 * The API server omits most zero values when it serialises (Go's omitempty): a desired
 * `minReadySeconds: 0` comes back absent, and re-applying it would store the same object.
 */
function isZero(value: Json): boolean {
  if (value === 0 || value === false || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return value !== null && typeof value === "object" && Object.keys(value).length === 0;
}

/** `path`: the keys leading here, to recognise quantities, which the server stores canonically. */
export function containedIn(desired: Json, live: Json, path: readonly string[] = []): boolean {
  if (live === undefined && isZero(desired)) return true;
  if (typeof desired === "string" && typeof live === "string" && desired !== live && isQuantityField(path)) return sameQuantity(desired, live);
  if (desired === null || typeof desired !== "object") return desired === live;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((item, index) => containedIn(item, live[index], path));
  }
  if (live === null || typeof live !== "object" || Array.isArray(live)) return false;
  return Object.entries(desired).every(([key, value]) => containedIn(value, live[key], [...path, key]));
}
