// Every hangar command and its options, as data: the parser (program.ts), `--help`, the
// `hangar` dispatcher and the table-driven CLI test all read this one table.

export type OptionKind =
  /** Strict boolean: `--flag`, `--flag=true`, `--flag=false`; anything else is refused. */
  | "flag"
  /** Free text that must not be empty (file, folder, name). */
  | "text"
  /** A duration like 30s or 5m (a bare number counts seconds). */
  | "duration"
  /** A whole number of at least 1. */
  | "count"
  /** A Linux network interface name. */
  | "interface"
  /** NAME=VALUE, repeatable: the values collect into an object. */
  | "assignment";

export interface OptionSpec {
  /** Long name without dashes, e.g. "dry-run"; the parsed value is under its camelCase key. */
  name: string;
  short?: string;
  kind: OptionKind;
  /** Placeholder in the usage line for valued options, e.g. "file". */
  placeholder?: string;
  description: string;
  default?: string | number | boolean;
  /** For durations: the smallest accepted value. */
  minimumMs?: number;
}

export interface CommandSpec {
  name: string;
  /** scripts/<script>.mjs runs it. */
  script: string;
  summary: string;
  options: OptionSpec[];
  examples: string[];
  /** A part of another command (the benchmarks of `bench`): not a `hangar` subcommand. */
  hidden?: boolean;
  /** Combinations the parser refuses: returns the problem, or undefined. */
  rules?: ((options: Record<string, unknown>) => string | undefined)[];
}

const config = (fallback = "homelab.yaml"): OptionSpec => ({
  name: "config",
  kind: "text",
  placeholder: "file",
  description: "the declaration to read",
  default: fallback,
});
const yes: OptionSpec = { name: "yes", short: "y", kind: "flag", description: "answer yes to the confirmation of a destructive action (for scripts and CI)" };
const timeout: OptionSpec = {
  name: "timeout",
  kind: "duration",
  placeholder: "duration",
  description: "how long the whole deploy may take once it holds the deploy lock: every wait, retry and request ends by then (30s, 15m, 2h; a bare number counts seconds)",
  default: "15m",
  minimumMs: 1000,
};
const lock: OptionSpec[] = [
  { name: "wait-for-lock", kind: "flag", description: "when another deploy holds the cluster's deploy lock, wait for it to finish instead of stopping" },
  { name: "break-lock", kind: "flag", description: "take the deploy lock from the deploy holding it (asks first; for a deploy that is gone)" },
];
const kube: OptionSpec[] = [
  { name: "kubeconfig", kind: "text", placeholder: "file", description: "kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)" },
  { name: "context", kind: "text", placeholder: "name", description: "kubeconfig context to use (default: its current context)" },
];
const ownership: OptionSpec[] = [
  { name: "force-conflicts", kind: "flag", description: "take over fields another field manager owns" },
  { name: "force-ownership", kind: "flag", description: "take over objects another release owns" },
  { name: "remove-crds", kind: "flag", description: "also delete CRDs a flight no longer renders (deletes every object of them)" },
  { name: "remove-namespaces", kind: "flag", description: "also delete namespaces a flight no longer renders (deletes everything in them)" },
];
const out: OptionSpec = {
  name: "out",
  kind: "text",
  placeholder: "dir",
  description: "also write every flight's input and output and the Talos plan to DIR/flights and DIR/talos (DIR must be new, empty or written by hangar before)",
};
const notBoth = (a: string, b: string) => (options: Record<string, unknown>) =>
  options[camel(a)] && options[camel(b)] ? `--${a} and --${b} cannot be used together` : undefined;
const needs = (a: string, b: string) => (options: Record<string, unknown>) =>
  options[camel(a)] !== undefined && options[camel(a)] !== false && !options[camel(b)] ? `--${a} only applies with --${b}` : undefined;

export const commands: readonly CommandSpec[] = [
  {
    name: "up",
    script: "up",
    summary: "from homelab.yaml to a running cluster: Talos through talosctl, then the add-ons",
    options: [
      config(),
      { name: "dry-run", kind: "flag", description: "touch no machine and no cluster: validate, render every flight and print the plan" },
      out,
      { name: "local", kind: "flag", description: "create the cluster as Docker containers on this machine instead" },
      { name: "talos-only", kind: "flag", description: "stop after Talos; do not deploy the add-ons" },
      { name: "maintenance-address", kind: "assignment", placeholder: "node=ip", description: "where a node booted from the ISO answers, when its MAC is not found in the DHCP range (repeatable)" },
      timeout,
      ...lock,
      ...ownership,
      yes,
    ],
    examples: ["--dry-run --out out", "", "--local", "--talos-only --config lab/homelab.yaml"],
    rules: [needs("out", "dry-run"), notBoth("dry-run", "local")],
  },
  {
    name: "render",
    script: "render",
    summary: "validate homelab.yaml and print the plan (what up --dry-run prints); touches nothing",
    options: [config(), out],
    examples: ["", "--out out"],
  },
  {
    name: "deploy",
    script: "deploy",
    summary: "deploy the add-ons to a cluster, in dependency order, with readiness gates, a release record and pruning",
    options: [
      config(),
      ...kube,
      { name: "dry-run", kind: "flag", description: "send everything as a server dry run; write nothing" },
      { name: "diff", kind: "flag", description: "print what would be created, changed and deleted; write nothing" },
      timeout,
      ...lock,
      ...ownership,
      yes,
    ],
    examples: ["", "--diff", "--kubeconfig .hangar/kubeconfig --timeout 30m", "--wait-for-lock --yes    # CI: queue behind a running deploy, prune without asking"],
    rules: [notBoth("dry-run", "diff")],
  },
  {
    name: "diff",
    script: "diff",
    summary: "what deploy would create, change and delete (server dry run against live); writes nothing",
    options: [config(), ...kube, timeout, ...ownership],
    examples: ["", "--context home-01"],
  },
  {
    name: "upgrade",
    script: "upgrade",
    summary: "bring installed nodes to the declared Talos version, extensions and Kubernetes version",
    options: [config()],
    examples: [""],
  },
  {
    name: "reset",
    script: "reset",
    summary: "reset one node with talosctl (asks first): back to maintenance mode, or its whole disk wiped",
    options: [
      config(),
      { name: "node", kind: "text", placeholder: "name", description: "the node to reset (required when there are several)" },
      { name: "wipe-disk", kind: "flag", description: "wipe the whole disk and power the node off, instead of erasing STATE and EPHEMERAL" },
      yes,
    ],
    examples: ["--node worker-0", "--node worker-0 --wipe-disk", "--node worker-0 --yes    # no question (scripts)"],
  },
  {
    name: "doctor",
    script: "doctor",
    summary: "who answers ARP for every address hangar owns, and whether the ingress and the API answer",
    options: [
      config(),
      { name: "interface", kind: "interface", placeholder: "name", description: "the LAN interface arp-scan sends on, e.g. enp3s0" },
      { name: "kubeconfig", kind: "text", placeholder: "file", description: "kubeconfig to ask whether the entry points' addresses are assigned (default: the state folder's)" },
      kube[1]!,
      { name: "watch", kind: "flag", description: "keep probing and report the moment an answer changes" },
      { name: "count", kind: "count", placeholder: "n", description: "with --watch: stop after N rounds (default: never)" },
      { name: "interval", kind: "duration", placeholder: "duration", description: "with --watch: time between rounds", default: "5s", minimumMs: 1000 },
      { name: "timeout", kind: "duration", placeholder: "duration", description: "how long to wait for the entry points and the API to answer", default: "3s", minimumMs: 100 },
    ],
    examples: ["--interface enp3s0", "--interface enp3s0 --watch --interval 10s"],
    rules: [needs("count", "watch")],
  },
  {
    name: "adopt",
    script: "adopt",
    summary: "take over add-ons Helm or Terraform installed, with no pod restart; Helm's records are deleted last (asks first)",
    options: [
      config(),
      ...kube,
      { name: "plan", kind: "flag", description: "print the takeover plan and stop; writes nothing" },
      { name: "terraform", kind: "assignment", placeholder: "name=address", description: "the Terraform address of a Helm release or manifest, for the `terraform state rm` lines (repeatable)" },
      timeout,
      ...lock,
      yes,
    ],
    examples: ["--plan", "--terraform metallb=helm_release.metallb --terraform ingress-nginx=helm_release.ingress_nginx", "--yes    # no question (scripts)"],
  },
  {
    name: "compare",
    script: "compare",
    summary: "hangar's flights against the same stack rendered from the upstream Helm charts",
    options: [
      { ...config(), default: undefined, description: "the declaration to read (default: homelab.yaml beside helmfile.yaml)" },
      { name: "helmfile", kind: "text", placeholder: "file", description: "the helmfile state (default: hangar's helmfile.yaml)" },
      { name: "reference", kind: "text", placeholder: "dir", description: "compare with manifests rendered elsewhere (helmfile template --output-dir), without helmfile and helm" },
      { name: "charts", kind: "text", placeholder: "dir", description: "take each chart helmfile.yaml pulls from a repository from dir/<chart>/ instead (helmfile.yaml is not changed; no repository is contacted)" },
    ],
    examples: ["", "--charts vendor/charts", "--reference rendered/"],
    rules: [notBoth("charts", "reference")],
  },
  {
    name: "schema",
    script: "schema",
    summary: "write homelab.schema.json (for editors) from the declaration's schema",
    options: [],
    examples: [""],
  },
  {
    name: "bench",
    script: "bench",
    summary: "print the benchmark figures (render times, bundle sizes, deploy against kubectl, render and deploy against helm and helmfile)",
    options: [],
    examples: [""],
  },
  ...[
    ["bench-startup", "how fast hangar --version and hangar render start, beside a bare node"],
    ["bench-flights", "render time of each flight in process and as a node process, and bundle sizes"],
    ["bench-wasm", "each flight's wasm module against its JS build: size, run time, memory"],
    ["bench-deploy", "hangar's deploy beside kubectl apply --server-side + kubectl wait on the fake API server (run with node --import tsx)"],
    ["bench-deploy-real", "hangar's deploy beside kubectl apply --server-side + kubectl wait on a real kube-apiserver (run with node --import tsx)"],
    ["bench-node", "hangar's deploy beside kubectl apply --server-side + kubectl wait on a real node running MetalLB (root; run with node --import tsx)"],
  ].map(([name, summary]) => ({ name: name!, script: name!, summary: summary!, options: [], examples: [""], hidden: true })),
  {
    name: "bench-helm",
    script: "bench-helm",
    summary: "hangar render and deploy beside the real helm template, helmfile template and helmfile sync (run with node --import tsx)",
    options: [{ name: "charts", kind: "text", placeholder: "dir", description: "the charts helmfile.yaml pins, laid out dir/<chart>/ (default: the test suite's reference charts)" }],
    examples: ["", "--charts vendor/charts"],
    hidden: true,
  },
];

/** Options every command has. */
export const commonOptions: readonly OptionSpec[] = [
  { name: "no-color", kind: "flag", description: "no colour, even on a terminal (NO_COLOR=1 does the same)" },
];

export function commandSpec(name: string): CommandSpec {
  const found = commands.find((command) => command.name === name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
}

export function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
