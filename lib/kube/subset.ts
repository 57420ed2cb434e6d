// "Would applying this change anything?" answered from live state alone: a desired object whose
// every field is already present with the same value in the live object changes nothing.
type Json = any;

export function containedIn(desired: Json, live: Json): boolean {
  if (desired === null || typeof desired !== "object") return desired === live;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((item, index) => containedIn(item, live[index]));
  }
  if (live === null || typeof live !== "object" || Array.isArray(live)) return false;
  return Object.entries(desired).every(([key, value]) => containedIn(value, live[key]));
}
