// Envoy Gateway v1.9.0 running for real on a real node, which this file starts and stops through
// scripts/test-cluster.mjs as a person would: the controller accepts the GatewayClass and real
// MetalLB assigns the Gateway's pinned address. The Envoy proxy itself (C++) cannot be built
// here: its pods run a small stand-in image under the upstream name (the tests relying on it say
// "played").
import t from "tap";
import { spawn } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { attachRealNode, exampleNode, examplePeer, leftoversOf, nodeUnavailable, runCommand, stopAtExit, type RealNode } from "./helpers/real-node.ts";

t.setTimeout(30 * 60_000);

const unavailable = await nodeUnavailable();
const skip = unavailable && process.env.CI !== "true" ? `real-node tests skipped: ${unavailable}` : false;
const cli = fileURLToPath(new URL("../scripts/test-cluster.mjs", import.meta.url));
const gatewayExample = fileURLToPath(new URL("../examples/gateway.yaml", import.meta.url));
const gatewayAddress = "10.0.0.4";

t.test("Envoy Gateway on a real node started by scripts/test-cluster.mjs", { skip }, async (t) => {
  if (unavailable) t.fail(`CI must run the real-node tests: ${unavailable}`);

  await t.test("an up interrupted by SIGINT leaves nothing behind", async (t) => {
    const up = spawn(process.execPath, [cli, "up"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    // Interrupted once the node's daemons are starting: namespaces, cgroup, mounts and processes all exist.
    const id = await new Promise<string>((resolve, reject) => {
      up.stderr!.on("data", (chunk) => {
        stderr += chunk;
        const starting = /node ([0-9a-f]{6}): etcd, containerd and kube-apiserver starting/.exec(stderr);
        if (starting) resolve(starting[1]!);
      });
      up.once("exit", (code) => reject(new Error(`up exited (${code}) before its daemons started:\n${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => up.once("exit", resolve));
    up.kill("SIGINT");
    t.equal(await exited, 130, "up stops with the status of an interrupt");
    t.same(leftoversOf(id), [], `nothing of node ${id} is left`);
  });

  await t.test("a test process that is terminated (tap's timeout) stops the node it started", async (t) => {
    const holder = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./fixtures/real-node-holder.ts", import.meta.url))], { stdio: ["ignore", "pipe", "inherit"] });
    const id = await new Promise<string>((resolve, reject) => {
      let out = "";
      holder.stdout!.on("data", (chunk) => {
        out += chunk;
        const started = /started ([0-9a-f]{6})/.exec(out);
        if (started) resolve(started[1]!);
      });
      holder.once("exit", (code) => reject(new Error(`the holder exited (${code}) before its node started: ${out}`)));
    });
    const exited = new Promise<number | null>((resolve) => holder.once("exit", resolve));
    holder.kill("SIGTERM");
    t.equal(await exited, 143);
    t.same(leftoversOf(id), [], `nothing of node ${id} is left`);
  });

  let node: RealNode | undefined;
  t.teardown(() => node?.stop());
  const deploy = (...args: string[]) => node!.hangar(["deploy", "--config", gatewayExample, "--kubeconfig", node!.kubeconfig, "--yes", ...args]);
  const condition = (object: any, type: string) => object.status?.conditions?.find((c: { type: string }) => c.type === type);

  await t.test("up prints the kubeconfig, the node's network namespace and the peer's", async (t) => {
    const result = await runCommand(process.execPath, [cli, "up"]);
    t.equal(result.code, 0, result.stderr);
    const [kubeconfig, netns, peer] = result.stdout.trim().split("\n");
    t.match(kubeconfig, /^kubeconfig \/\S+\/kubeconfig$/);
    node = attachRealNode(dirname(kubeconfig!.slice("kubeconfig ".length)));
    stopAtExit(node);
    t.equal(netns, `netns ${node.netns}`);
    t.equal(peer, `peer ${node.peer}`);
    const nodes = await runCommand(process.execPath, [cli, "kubectl", "get", "node", exampleNode.name, "-o", "jsonpath={.status.addresses[0].address} {.status.conditions[?(@.type==\"Ready\")].status}"]);
    t.equal(nodes.stdout, `${exampleNode.address} True`, `test-cluster.mjs kubectl reaches the node: ${nodes.stderr}`);
  });
  if (!node) return;

  await t.test("hangar deploy of examples/gateway.yaml converges with the real Envoy Gateway controller (its proxy played)", async (t) => {
    const result = await deploy();
    t.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    t.match(result.stdout, `gateway: entry point address ${gatewayAddress} assigned to Gateway envoy-gateway-system/homelab; \`hangar doctor\` checks that it answers on the LAN`);
  });

  await t.test("the real Envoy Gateway v1.9.0 controller runs on the node and accepts the GatewayClass", async (t) => {
    const pods = await node!.get("pods", "-n", "envoy-gateway-system", "-l", "control-plane=envoy-gateway");
    t.same(pods.items.map((pod: any) => [pod.status.phase, pod.status.containerStatuses[0].image, pod.status.containerStatuses[0].ready]), [["Running", "docker.io/envoyproxy/gateway:v1.9.0", true]]);
    const gatewayClass = await node!.get("gatewayclass", "envoy-gateway");
    t.match(condition(gatewayClass, "Accepted"), { status: "True", reason: "Accepted" });
    const statusWriters = gatewayClass.metadata.managedFields.filter((field: any) => field.subresource === "status").map((field: any) => field.manager);
    t.same(statusWriters, ["envoy-gateway"], "the status is the controller's own");
  });

  await t.test("real MetalLB assigns the Gateway's pinned address to the Service Envoy Gateway made for it", async (t) => {
    const services = await node!.get("services", "-n", "envoy-gateway-system", "-l", "gateway.envoyproxy.io/owning-gateway-name=homelab");
    t.equal(services.items.length, 1);
    const [service] = services.items;
    t.equal(service.metadata.annotations["metallb.io/loadBalancerIPs"], gatewayAddress, "the Gateway's annotation reached the Service");
    t.same(service.status.loadBalancer.ingress.map((ingress: { ip: string }) => ingress.ip), [gatewayAddress]);
    const gateway = await node!.get("gateway", "-n", "envoy-gateway-system", "homelab");
    t.same(gateway.status.addresses.map((address: { value: string }) => address.value), [gatewayAddress]);
  });

  await t.test("(played Envoy proxy) the Gateway is Programmed once its proxy pod is ready; the shutdown manager beside it is the real v1.9.0", async (t) => {
    const gateway = await node!.get("gateway", "-n", "envoy-gateway-system", "homelab");
    t.match(condition(gateway, "Programmed"), { status: "True" });
    const pods = await node!.get("pods", "-n", "envoy-gateway-system", "-l", "gateway.envoyproxy.io/owning-gateway-name=homelab");
    t.same(pods.items.flatMap((pod: any) => pod.status.containerStatuses.map((c: any) => [c.name, c.image, c.ready])).sort(), [
      ["envoy", "docker.io/envoyproxy/envoy:distroless-v1.39.0", true],
      ["shutdown-manager", "docker.io/envoyproxy/gateway:v1.9.0", true],
    ]);
  });

  await t.test("from the peer, the Gateway's address resolves over ARP to the node's MAC and answers HTTP (played Envoy proxy)", async (t) => {
    const arping = await node!.onPeer(["arping", "-c", "2", "-w", "10", "-I", examplePeer.interface, gatewayAddress]);
    t.equal(arping.code, 0, arping.stdout + arping.stderr);
    t.same([...new Set([...arping.stdout.matchAll(/from ([0-9a-f:]{17})/gi)].map((match) => match[1]!.toLowerCase()))], [exampleNode.mac]);
    const answer = await node!.onPeer([process.execPath, "-e", `fetch('http://${gatewayAddress}/').then((r) => r.text().then((body) => console.log(r.status, body.trim())))`]);
    t.equal(answer.stdout.trim(), "404 404 Not Found (played envoy)", answer.stderr);
  });

  await t.test("a re-run writes nothing, and hangar diff shows nothing (quantities compared as the server stores them)", async (t) => {
    const before = node!.audit().length;
    const rerun = await deploy();
    t.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    const writes = node!.audit().slice(before).filter((event) => event.user.username === "hangar-test" && ["create", "update", "patch", "delete"].includes(event.verb));
    const lock = (event: { requestURI: string }) => event.requestURI === "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hangar-deploy";
    t.same(writes.filter((event) => !lock(event)).map((event) => `${event.verb} ${event.requestURI}`), [], "no write, not even a dry run");
    t.equal(writes.filter(lock).length, 2, "but the deploy lock, taken and given back");
    const diff = await node!.hangar(["diff", "--config", gatewayExample, "--kubeconfig", node!.kubeconfig]);
    t.equal(diff.code, 0, diff.stderr);
    t.notMatch(diff.stdout, /would (create|change|delete)/);
    for (const flight of ["metallb", "metallb-pool", "ingress-nginx", "envoy-gateway", "gateway"]) t.match(diff.stdout, new RegExp(`${flight}\\s+\\d+ unchanged in`));
  });

  await t.test("down stops the node and leaves nothing behind; a second down is harmless", async (t) => {
    for (const round of ["first", "second"]) {
      const down = await runCommand(process.execPath, [cli, "down", node!.id]);
      t.equal(down.code, 0, `${round} down: ${down.stderr}`);
      t.same(leftoversOf(node!.id), [], `nothing left after the ${round} down`);
    }
  });
});
