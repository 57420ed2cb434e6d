// Running talosctl: output is captured, never echoed, because some of it (configs, kubeconfigs)
// is secret. Long-running commands may stream progress, which talosctl writes without secrets.
import { spawn } from "node:child_process";
import type { TalosctlCommand } from "./commands.ts";

export interface TalosctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Talosctl = (command: TalosctlCommand, options?: { stream?: (line: string) => void }) => Promise<TalosctlResult>;

export const runTalosctl: Talosctl = (command, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn("talosctl", command.argv, {
      env: { ...process.env, ...command.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const forward = (chunk: string) => {
      if (options.stream) for (const line of chunk.split("\n")) if (line.trim()) options.stream(line);
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      forward(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      forward(chunk);
    });
    child.on("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "ENOENT" ? new Error("talosctl is not installed or not on PATH; install it from https://github.com/siderolabs/talos/releases") : err),
    );
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });

/** The last non-empty line of stderr: talosctl's error message. */
export function lastLine(text: string): string {
  return text.trim().split("\n").slice(-1)[0]?.trim() ?? "";
}
