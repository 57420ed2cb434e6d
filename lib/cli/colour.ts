// The few ANSI styles the commands use, on or off as lib/cli/output.ts decided: a dozen lines
// instead of a colour library on every start.

export interface Palette {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const styles: Record<keyof Palette, [number, number]> = { red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], bold: [1, 22], dim: [2, 22] };

export function palette(enabled: boolean): Palette {
  const style = ([on, off]: [number, number]) => (text: string) => (enabled ? `\x1b[${on}m${text}\x1b[${off}m` : text);
  return {
    red: style(styles.red),
    green: style(styles.green),
    yellow: style(styles.yellow),
    cyan: style(styles.cyan),
    bold: style(styles.bold),
    dim: style(styles.dim),
  };
}
