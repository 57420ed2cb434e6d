// Equality of JSON values as yoke judges its releases (Go's reflect.DeepEqual on decoded
// objects): by value, whatever the key order of the text they came from. Go's encoding/json
// writes map keys sorted, JSON.stringify in insertion order, so text comparison would call
// every yoke record different from hangar's.
type Json = any;

export function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameJson(a[key], b[key]));
}
