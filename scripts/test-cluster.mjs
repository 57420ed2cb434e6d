#!/usr/bin/env node
// A real single-node Kubernetes in network and mount namespaces of its own, for the tests and by
// hand (the logic is test/helpers/real-node.ts). Needs root and the tools of `npm run tools`.
import { tsImport } from "tsx/esm/api";

const usage = `Usage: scripts/test-cluster.mjs <command>

  up                 start a node; prints "kubeconfig <path>", "netns <name>" and "peer <name>"
  down [ID ...]      stop the nodes \`up\` started (or the nodes ID ...), leaving nothing behind
  kubectl ARGS ...   kubectl inside the namespace of the node \`up\` started

The API answers at https://10.0.0.2:6443 inside the node's namespace and from the LAN
(e.g. ip netns exec <peer> ...), nowhere else.`;

const [command, ...rest] = process.argv.slice(2);
if (command === "--help" || command === "-h") {
  console.log(usage);
  process.exit(0);
}
if (command === undefined) {
  console.error(usage);
  process.exit(2);
}
if (!["up", "down", "kubectl"].includes(command)) {
  console.error(`test-cluster: unknown command ${command}\n\n${usage}`);
  process.exit(2);
}
const badId = command === "down" && rest.find((id) => !/^[0-9a-f]{6}$/.test(id));
if (badId) {
  console.error(`test-cluster: down: ${badId} is not a node id (six hex digits, as in hangar-<id>-node)`);
  process.exit(2);
}
if (command === "up" && rest.length > 0) {
  console.error(`test-cluster: up takes no arguments (got ${rest.join(" ")})`);
  process.exit(2);
}

const { startRealNode, attachRealNode, cliNodeDirs, nodeDirOf, stopNodeDir } = await tsImport("../test/helpers/real-node.ts", import.meta.url);

try {
  if (command === "up") {
    const node = await startRealNode({ startedBy: "cli", log: (line) => console.error(line) });
    console.log(`kubeconfig ${node.kubeconfig}`);
    console.log(`netns ${node.netns}`);
    console.log(`peer ${node.peer}`);
  } else if (command === "down") {
    for (const dir of rest.length > 0 ? rest.map(nodeDirOf) : cliNodeDirs()) {
      stopNodeDir(dir);
      console.error(`test-cluster: stopped ${dir}`);
    }
  } else {
    const [dir, ...others] = cliNodeDirs();
    if (!dir || others.length > 0) throw new Error(dir ? "several nodes are up: use ip netns exec <netns> kubectl" : "no node is up: run scripts/test-cluster.mjs up");
    const result = await attachRealNode(dir).kubectlRun(rest);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exit(result.code);
  }
} catch (error) {
  console.error(`test-cluster: ${error.message}`);
  process.exit(1);
}
