// Where output goes decides how it looks: colour and live status lines only on a terminal,
// never with NO_COLOR (https://no-color.org) or --no-color; plain lines, one per event, elsewhere.

export interface ColourInput {
  /** commander's `color` option: false after --no-color. */
  flag?: boolean;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

export function colourEnabled({ flag, env, isTTY }: ColourInput): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (env.TERM === "dumb") return false;
  return isTTY;
}
