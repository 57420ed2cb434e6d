// The CEL disk selector of UnattendedInstallConfig as Talos checks it: parsed and type-checked in
// the DiskLocator environment, and its result must be a bool (pkg/machinery/cel/cel.go
// parseExpressionWithOutputType, pkg/machinery/cel/celenv/celenv.go DiskLocator, at v1.14.0-rc.1
// and v1.14.1; cel-go v0.31.0). The expression is parsed and checked by @marcbachmann/cel-js; its
// errors are worded as cel-go's: "ERROR: <input>:LINE:COL: message" and the source line with a
// caret. The message itself is cel-go's for what hangar's tests meet (input ending after an
// operator, an unknown variable or field, a missing overload, a non-bool result); any other error
// keeps cel-go's prefix and location with cel-js's message after it.
const { bundled } = require("./cache.js");

const diskType = "talos.resource.definitions.block.DiskSpec";

// DiskSpec's fields (api/resource/definitions/block/block.pb.go) and the unit constants
// (celenv.go unitMultipliers, all uint).
const diskFields = {
  size: "uint", io_size: "uint", sector_size: "uint", readonly: "bool", model: "string", serial: "string",
  modalias: "string", wwid: "string", bus_path: "string", sub_system: "string", transport: "string",
  rotational: "bool", cdrom: "bool", dev_path: "string", pretty_size: "string", secondary_disks: "list<string>",
  uuid: "string", symlinks: "list<string>", firmware_version: "string",
};
const units = { KiB: 1024n, MiB: 1024n ** 2n, GiB: 1024n ** 3n, TiB: 1024n ** 4n, PiB: 1024n ** 5n, EiB: 1024n ** 6n, kB: 1000n, MB: 1000n ** 2n, GB: 1000n ** 3n, TB: 1000n ** 4n, PB: 1000n ** 5n, EB: 1000n ** 6n };

let environment;
function diskLocator() {
  if (environment) return environment;
  // Loaded on first use: most fake talosctl calls check no disk selector.
  const { Environment, UnsignedInt } = bundled(
    ["@marcbachmann/cel-js"],
    'module.exports = { Environment: require("@marcbachmann/cel-js").Environment, UnsignedInt: require("@marcbachmann/cel-js/evaluator").UnsignedInt };',
  );
  environment = new Environment()
    .registerType(diskType, { fields: diskFields })
    .registerVariable("disk", diskType)
    .registerVariable("system_disk", "bool")
    .registerFunction("glob(string, string): bool", () => false);
  for (const [name, value] of Object.entries(units)) environment.registerConstant(name, "uint", new UnsignedInt(value));
  return environment;
}

// What ANTLR expects where an operand must start (cel-go v0.31.0's CEL grammar).
const operandStart = "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}";
// Tokens after which an operand must follow: binary and unary operators, `?`, `:` and a group's `(`.
const beforeOperand = /(==|!=|<=|>=|&&|\|\||[<>+\-*/%!?:]|\bin|(?:^|[^\w\s)\]])\s*\()\s*$/;
const operatorNames = { "==": "_==_", "!=": "_!=_", "<": "_<_", "<=": "_<=_", ">": "_>_", ">=": "_>=_", "+": "_+_", "-": "_-_", "*": "_*_", "/": "_/_", "%": "_%_", in: "@in", "&&": "_&&_", "||": "_||_" };

/** cel-go's rendering of a type: list(string), map(string, int). */
const goType = (type) => String(type).replaceAll("<", "(").replaceAll(">", ")");

/** cel-go's common.Errors formatting: location, message, the source line and a caret under the column. */
function located(source, offset, message) {
  const before = source.slice(0, offset).split("\n");
  const line = before.length;
  const column = before.at(-1).length;
  const text = source.split("\n")[line - 1];
  return `ERROR: <input>:${line}:${column + 1}: ${message}\n | ${text}\n | ${".".repeat(column)}^`;
}

function syntaxError(source, error) {
  const offset = error.range?.start ?? 0;
  if (error.code === "unexpected_token" && / EOF$/.test(error.summary) && beforeOperand.test(source.slice(0, offset))) {
    return located(source, offset, `Syntax error: mismatched input '<EOF>' expecting ${operandStart}`);
  }
  return located(source, offset, `Syntax error: ${error.summary}`);
}

function typeError(source, error) {
  const node = error.node;
  const offset = error.range?.start ?? 0;
  if (error.code === "unknown_variable") return located(source, offset, `undeclared reference to '${node.args}' (in container '')`);
  if (error.code === "no_such_key" && node?.op === ".") {
    // cel-go points at the dot of the selection.
    return located(source, source.lastIndexOf(".", node.pos), `undefined field '${node.args[1]}'`);
  }
  const overload = /^no such overload: (\S+) (\S+) (\S+)$/.exec(error.summary);
  if (overload && operatorNames[overload[2]] && Array.isArray(node?.args)) {
    // cel-go points at the operator, between the operands.
    const [left, right] = node.args;
    const at = source.indexOf(overload[2], left.end);
    return located(source, at >= 0 && at < right.start ? at : offset, `found no matching overload for '${operatorNames[overload[2]]}' applied to '(${goType(overload[1])}, ${goType(overload[3])})'`);
  }
  return located(source, offset, error.summary);
}

/** Talos' error for a disk selector expression, or undefined when it is a valid bool expression. */
function diskSelectorError(expression) {
  const source = String(expression);
  const result = diskLocator().check(source);
  if (!result.valid) return result.error.name === "ParseError" ? syntaxError(source, result.error) : typeError(source, result.error);
  if (result.type !== "bool") return `expression output type is ${goType(result.type)}, expected bool`;
  return undefined;
}

module.exports = { diskSelectorError };
