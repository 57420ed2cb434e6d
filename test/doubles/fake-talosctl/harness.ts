// A lab for the orchestration tests: homelab.yaml in a temporary folder, the fake talosctl first
// on PATH with its simulated nodes, and a loopback stand-in for the Image Factory that names
// schematics the way the real one does (sha256 of the posted bytes).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Test } from "tap";
import { parse } from "yaml";

const fakeDir = fileURLToPath(new URL("./bin", import.meta.url));
const scripts = fileURLToPath(new URL("../../../scripts/", import.meta.url));

export interface NodeSeed {
  /** The DHCP lease it has while it runs from the ISO. */
  maintenanceAddress: string;
  /** Its MAC: the fake arp-scan answers with it. */
  mac?: string;
  /** Its links (default: enp1s0 with its MAC). */
  links?: { name: string; mac?: string }[];
  talosVersion?: string;
  schematic?: string;
}

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export interface Lab {
  dir: string;
  config: string;
  stateDir: string;
  /** Bodies posted to the Image Factory stand-in. */
  registered: string[];
  /** `tty`: stdin and stdout are a terminal (through script(1)), as for a person typing `input`. */
  run(script: "up" | "upgrade" | "reset", args?: string[], options?: { env?: Record<string, string>; input?: string; tty?: boolean }): Promise<Run>;
  writeConfig(text: string): void;
  /** Every talosctl call so far, as argv. */
  calls(): string[][];
  nodes(): Record<string, any>[];
  /** Every output produced so far, for the no-secrets check. */
  outputs: string[];
}

/** `cluster`: extra simulated cluster state, e.g. removedApis for upgrade-k8s --dry-run findings. */
export async function fakeLab(t: Test, homelabText: string, nodes: NodeSeed[], cluster: Record<string, unknown> = {}): Promise<Lab> {
  const dir = t.testdir();
  const stateDir = join(dir, "fake-nodes");
  mkdirSync(stateDir);
  writeFileSync(join(stateDir, "state.json"), JSON.stringify({ ...cluster, nodes: nodes.map((node) => ({ state: "maintenance", talosVersion: "v1.14.7", bootId: "00000000-0000-4000-8000-000000000000", ...node })) }));
  const config = join(dir, "homelab.yaml");
  writeFileSync(config, homelabText);

  const registered: string[] = [];
  const factory = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      registered.push(body);
      response.writeHead(201, { "content-type": "application/json" });
      response.end(JSON.stringify({ id: createHash("sha256").update(body).digest("hex") }));
    });
  });
  await new Promise<void>((resolve) => factory.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => factory.close(() => resolve())));
  const factoryUrl = `http://127.0.0.1:${(factory.address() as AddressInfo).port}`;

  const outputs: string[] = [];
  // The scripts run as a user runs them: without tap's loader hooks (NODE_OPTIONS), which also
  // trip over the fake's extensionless file.
  const baseEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("HANGAR_") && !name.startsWith("FAKE_TALOSCTL") && name !== "NODE_OPTIONS"),
  );
  return {
    dir,
    config,
    stateDir,
    registered,
    outputs,
    writeConfig: (text) => writeFileSync(config, text),
    run: (script, args = [], options = {}) =>
      new Promise((resolve) => {
        // Through env(1), so tap's process tracking does not load itself into every node process below.
        const argv = ["-u", "NODE_OPTIONS", process.execPath, join(scripts, `${script}.mjs`), "--config", config, ...args];
        const [command, commandArgs] = options.tty
          ? ["script", ["-qec", ["/usr/bin/env", ...argv].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(" "), "/dev/null"]]
          : ["/usr/bin/env", argv];
        const child = spawn(command, commandArgs, {
          cwd: dir,
          env: {
            ...baseEnv,
            PATH: `${fakeDir}:${process.env.PATH}`,
            FAKE_TALOSCTL_STATE: stateDir,
            HANGAR_IMAGE_FACTORY_URL: factoryUrl,
            HOME: dir,
            FORCE_COLOR: "0",
            // Reboots in the fake take a few polls, not minutes.
            HANGAR_TALOS_POLL_MS: "1",
            ...options.env,
          },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.stdin.end(options.input ?? "");
        child.on("close", (code) => {
          outputs.push(stdout, stderr);
          resolve({ status: code ?? 1, stdout, stderr });
        });
      }),
    calls: () => {
      const path = join(stateDir, "calls.json");
      return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { argv: string[] }[]).map((call) => call.argv) : [];
    },
    nodes: () => JSON.parse(readFileSync(join(stateDir, "state.json"), "utf8")).nodes,
  };
}

/** The talosctl subcommand of a call: "apply-config", "gen secrets", "get extensions", "cluster create docker". */
export function verb(argv: string[]): string {
  const words = argv[0] === "cluster" ? 3 : ["gen", "get"].includes(argv[0] ?? "") ? 2 : 1;
  return argv.slice(0, words).join(" ");
}

/** Every value in the secret files under .hangar/ long enough to be key material. */
export function secretValues(stateFolder: string): string[] {
  const values: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") {
      if (value.length >= 16 && !value.startsWith("https://")) values.push(value);
    } else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  for (const name of ["secrets.yaml", "talosconfig", "kubeconfig"]) {
    const path = join(stateFolder, name);
    if (existsSync(path)) collect(parse(readFileSync(path, "utf8")));
  }
  return values;
}

/** Modes of everything under a folder, relative path -> octal string. */
export function modes(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      result[prefix + name + (stat.isDirectory() ? "/" : "")] = (stat.mode & 0o777).toString(8);
      if (stat.isDirectory()) walk(path, `${prefix}${name}/`);
    }
  };
  walk(root, "");
  return result;
}
