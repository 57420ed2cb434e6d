// Starts a real single-node Kubernetes inside namespaces of its own: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kube-proxy, containerd (runc) and kubelet, every one
// built by `npm run tools`, on a LAN bridge where the node holds the example's address and a peer
// machine sits beside it. Images are the catalog's tarballs, imported: nothing is pulled.
import { execFile } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { catalog, expand } from "../../tools/catalog.mjs";
import { realTool, type ToolName } from "../tools.ts";
import { createDaemonGroup, createPodsGroup } from "./cgroups.ts";
import { auditPolicy, cniConfig, containerdConfig, kubeconfig, kubeletConfig, kubeProxyConfig, registryHostsToml, tokensFile, users, type User } from "./files.ts";
import { addBridge, addNamespace, plug } from "./lan.ts";
import { apiPort, namesFor, node, pathsIn, peer, serviceRange, type NodePaths } from "./layout.ts";
import { NodeProcesses } from "./processes.ts";
import { Ledger, nodeDir, type NodeState } from "./state.ts";
import { stopNode } from "./stop.ts";

const run = promisify(execFile);
const probe = fileURLToPath(new URL("./probe.mjs", import.meta.url));

const nodeTools = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet", "kubectl", "containerd", "containerd-shim-runc-v2", "ctr", "runc"] as const;

export interface StartOptions {
  startedBy: NodeState["startedBy"];
  /** Progress, one line at a time. */
  log?: (line: string) => void;
}

/** The images a node imports: every image of the catalog, by the name the flights render. */
export function catalogImages(): { tool: ToolName; name: string }[] {
  return (Object.entries(catalog) as [ToolName, { kind?: string; image?: string; version: string }][])
    .filter(([, recipe]) => recipe.kind === "image")
    .map(([tool, recipe]) => ({ tool, name: expand(recipe.image!, recipe.version) }));
}

/** Why a node cannot start on this machine, or undefined when it can. */
export async function nodeUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "a test node needs root (network and mount namespaces, cgroups)";
  for (const [command, args, hint] of [
    ["ip", ["-V"], "iproute2"],
    ["nsenter", ["--version"], "util-linux"],
    ["iptables", ["--version"], "iptables"],
    ["/usr/lib/cni/bridge", ["--version"], "containernetworking-plugins"],
    ["arping", ["--help"], "arping"],
    ["arp-scan", ["--version"], "arp-scan"],
  ] as const) {
    try {
      await run(command, [...args]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return `${command} is missing: install Debian's ${hint} (scripts/setup-debian.sh)`;
    }
  }
  return undefined;
}

function writeFiles(paths: NodePaths, tokens: Record<User, string>): void {
  for (const dir of [paths.bin, paths.logs, paths.certs, paths.cniConfDir, paths.cniData, paths.kubeletRoot, paths.privateRun, paths.privateVarLib, paths.privateVarLog]) {
    mkdirSync(dir, { recursive: true });
  }
  // Every tool by its own name: containerd finds its shim and the shim finds runc on PATH, and
  // the components name themselves (user agent, field manager) after the file they run as.
  for (const tool of nodeTools) symlinkSync(realTool(tool), join(paths.bin, tool));
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(paths.saKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  writeFileSync(paths.saPub, publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(paths.tokens, tokensFile(tokens), { mode: 0o600 });
  writeFileSync(paths.auditPolicy, auditPolicy);
  writeFileSync(paths.kubeconfig, kubeconfig(users.admin, tokens.admin, paths.ca), { mode: 0o600 });
  for (const user of ["controllerManager", "scheduler", "kubelet", "proxy"] as const) {
    writeFileSync(paths.kubeconfigFor(componentOf[user]), kubeconfig(users[user], tokens[user], paths.ca), { mode: 0o600 });
  }
  writeFileSync(paths.adminToken, tokens.admin, { mode: 0o600 });
  const pause = catalogImages().find((image) => image.tool === "pause")!;
  writeFileSync(paths.containerdConfig, containerdConfig(paths, join(paths.bin, "runc"), pause.name));
  mkdirSync(join(paths.registryHosts, "_default"), { recursive: true });
  writeFileSync(join(paths.registryHosts, "_default", "hosts.toml"), registryHostsToml);
  writeFileSync(`${paths.cniConfDir}/10-pods.conflist`, cniConfig(paths));
  writeFileSync(paths.kubeProxyConfig, kubeProxyConfig(paths));
}

const componentOf = { controllerManager: "kube-controller-manager", scheduler: "kube-scheduler", kubelet: "kubelet", proxy: "kube-proxy" } as const;

function daemons(paths: NodePaths, cgroupRoot: string) {
  writeFileSync(paths.kubeletConfig, kubeletConfig(paths, cgroupRoot));
  const tool = (name: (typeof nodeTools)[number]) => join(paths.bin, name);
  return {
    etcd: [tool("etcd"),
      "--name", "default", "--data-dir", paths.etcd,
      "--listen-client-urls", "http://127.0.0.1:2379", "--advertise-client-urls", "http://127.0.0.1:2379",
      "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
      "--initial-cluster", "default=http://127.0.0.1:2380",
      // The data goes with the node: durability costs seconds on a busy disk.
      "--unsafe-no-fsync"],
    containerd: [tool("containerd"), "--config", paths.containerdConfig],
    "kube-apiserver": [tool("kube-apiserver"),
      "--etcd-servers=http://127.0.0.1:2379",
      "--bind-address=0.0.0.0", `--secure-port=${apiPort}`, `--advertise-address=${node.address}`,
      `--cert-dir=${paths.certs}`,
      `--token-auth-file=${paths.tokens}`,
      "--authorization-mode=RBAC",
      `--service-account-key-file=${paths.saPub}`, `--service-account-signing-key-file=${paths.saKey}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      `--service-cluster-ip-range=${serviceRange}`,
      "--allow-privileged=true",
      "--kubelet-preferred-address-types=InternalIP",
      `--audit-policy-file=${paths.auditPolicy}`, `--audit-log-path=${paths.audit}`, "--audit-log-mode=blocking",
      "--enable-priority-and-fairness=false", "--profiling=false"],
    "kube-controller-manager": [tool("kube-controller-manager"),
      `--kubeconfig=${paths.kubeconfigFor("kube-controller-manager")}`,
      "--controllers=*", "--leader-elect=false", "--use-service-account-credentials=false",
      `--root-ca-file=${paths.ca}`, `--service-account-private-key-file=${paths.saKey}`,
      "--bind-address=127.0.0.1", "--profiling=false"],
    "kube-scheduler": [tool("kube-scheduler"),
      `--kubeconfig=${paths.kubeconfigFor("kube-scheduler")}`, "--leader-elect=false", "--bind-address=127.0.0.1", "--profiling=false"],
    "kube-proxy": [tool("kube-proxy"), `--config=${paths.kubeProxyConfig}`],
    kubelet: [tool("kubelet"),
      `--config=${paths.kubeletConfig}`, `--kubeconfig=${paths.kubeconfigFor("kubelet")}`,
      `--hostname-override=${node.name}`, `--node-ip=${node.address}`, `--root-dir=${paths.kubeletRoot}`],
  };
}

export interface StartedNode {
  state: NodeState;
  paths: NodePaths;
}

/**
 * Starts a node and returns once it is Ready and its Services route. Whatever happens before
 * that (an error, SIGINT, SIGTERM), everything made so far is stopped and removed.
 */
export async function startNode(options: StartOptions): Promise<StartedNode> {
  const unavailable = await nodeUnavailable();
  if (unavailable) throw new Error(unavailable);
  for (const tool of nodeTools) realTool(tool);
  for (const image of catalogImages()) realTool(image.tool);

  const id = randomBytes(3).toString("hex");
  const dir = nodeDir(id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths = pathsIn(dir);
  const ledger = new Ledger({ id, dir, startedBy: options.startedBy, namespaces: [], pids: {} });
  const interrupted = (signal: NodeJS.Signals) => {
    stopNode(dir);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  const started = Date.now();
  const say = (line: string) => options.log?.(`node ${id}: ${line} (${Math.round((Date.now() - started) / 1000)} s)`);
  try {
    await bringUp(paths, ledger, say);
    return { state: ledger.state, paths };
  } catch (error) {
    stopNode(dir);
    throw error;
  } finally {
    process.removeListener("SIGINT", interrupted);
    process.removeListener("SIGTERM", interrupted);
  }
}

async function bringUp(paths: NodePaths, ledger: Ledger, say: (line: string) => void): Promise<void> {
  const names = namesFor(ledger.state.id);
  for (const namespace of [names.lan, names.node, names.peer]) {
    ledger.namespace(namespace);
    addNamespace(namespace);
  }
  addBridge(names.lan);
  plug(names.lan, names.node, { port: "node", link: node.interface, addresses: [node.cidr], mac: node.mac, gateway: node.gateway });
  plug(names.lan, names.peer, { port: "peer", link: peer.interface, addresses: [peer.cidr], gateway: node.gateway });
  await run("ip", ["netns", "exec", names.node, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  say(`LAN up: node ${node.address} in ${names.node}, peer ${peer.address} in ${names.peer}`);

  const tokens = Object.fromEntries(Object.keys(users).map((user) => [user, randomBytes(24).toString("hex")])) as Record<User, string>;
  writeFiles(paths, tokens);
  ledger.cgroup(names.cgroup);
  const procs = new NodeProcesses(paths, createDaemonGroup(names.cgroup), names.node, (name, pid) => ledger.process(name, pid));
  await procs.startAnchor();
  const commands = daemons(paths, createPodsGroup(names.cgroup));
  const start = (name: keyof typeof commands) => procs.start({ name, command: commands[name] });

  start("etcd");
  start("containerd");
  start("kube-apiserver");
  say("etcd, containerd and kube-apiserver starting");
  const inNode = (command: string[]) => procs.run(command, true);
  const apiReady = inNode([process.execPath, probe, `https://${node.address}:${apiPort}/readyz`, "120000", paths.ca, paths.adminToken])
    .catch((error) => {
      throw new Error(`kube-apiserver did not become ready: ${error.stderr ?? error.message}\n${procs.tail("kube-apiserver")}`);
    });
  await Promise.all([apiReady.then(() => say("kube-apiserver ready")), importImages(paths, procs).then(() => say("images imported"))]);

  for (const name of ["kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet"] as const) start(name);
  say("controller-manager, scheduler, kube-proxy and kubelet starting");
  const kubectl = (...args: string[]) => inNode([join(paths.bin, "kubectl"), `--kubeconfig=${paths.kubeconfig}`, ...args]);
  try {
    await kubectl("wait", "--for=create", `node/${node.name}`, "--timeout=120s");
    await kubectl("wait", "--for=condition=Ready", `node/${node.name}`, "--timeout=120s");
    await inNode([process.execPath, probe, "http://127.0.0.1:10256/healthz", "120000"]);
  } catch (error) {
    for (const name of ["kubelet", "kube-proxy", "containerd"]) procs.assertRunning(name);
    throw new Error(`the node did not become Ready: ${(error as { stderr?: string }).stderr ?? (error as Error).message}\n${procs.tail("kubelet")}`);
  }
  say(`node ${node.name} Ready, Services routed`);
}

/** Loads every image tarball into containerd's k8s.io namespace under the name the flights use. */
async function importImages(paths: NodePaths, procs: NodeProcesses): Promise<void> {
  const ctr = (...args: string[]) => procs.run([join(paths.bin, "ctr"), "--address", paths.containerdSocket, "--namespace", "k8s.io", ...args], false);
  const started = Date.now();
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    procs.assertRunning("containerd");
    if (await ctr("version").then(() => true, () => false)) break;
    if (Date.now() - started > 60_000) throw new Error(`containerd did not answer within 60 s:\n${procs.tail("containerd")}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  for (const image of catalogImages()) {
    await ctr("images", "import", realTool(image.tool));
    // CRI looks up `name:tag@digest` as `name@digest`: the image answers to that name too.
    const byDigest = image.name.replace(/:[^/@]+@/, "@");
    if (byDigest !== image.name) await ctr("images", "tag", image.name, byDigest);
  }
}
