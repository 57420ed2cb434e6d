// The seed's evening, replayed on a real node (scripts/test-cluster.mjs's node: kubelet,
// containerd, runc, the real controller-manager, scheduler and kube-proxy): hangar deploys the
// example homelab.yaml, the real MetalLB v0.16.1 runs it, and a peer machine on the LAN sees the
// result over ARP. ingress-nginx's controller and certificate jobs cannot be built here: small
// stand-in images under their upstream names play them (the tests that rely on them say so).
import t from "tap";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { examplePath } from "./helpers/example.ts";
import { exampleNode, examplePeer, nodeUnavailable, startRealNode, type RealNode } from "./helpers/real-node.ts";

t.setTimeout(30 * 60_000);

const unavailable = await nodeUnavailable();
// Outside CI a machine without root or the tools says why it skips; CI must run these.
const skip = unavailable && process.env.CI !== "true" ? `real-node tests skipped: ${unavailable}` : false;
const admin = "hangar-test";
const mutating = new Set(["create", "update", "patch", "delete", "deletecollection"]);
const gatewayExample = fileURLToPath(new URL("../examples/gateway.yaml", import.meta.url));

t.test("the example homelab on a real node", { skip }, async (t) => {
  if (unavailable) t.fail(`CI must run the real-node tests: ${unavailable}`);
  const node: RealNode = await startRealNode({ startedBy: "test", log: (line) => t.comment(line) });
  // Pass or fail, the node goes (an exit or a signal stops it too: startRealNode sees to that).
  t.teardown(() => node.stop());
  const deploy = (config: string, ...extra: string[]) => node.hangar(["deploy", "--config", config, "--kubeconfig", node.kubeconfig, "--yes", ...extra]);
  const conditionOf = (object: { status?: { conditions?: { type: string; status: string }[] } }, type: string) =>
    object.status?.conditions?.find((condition) => condition.type === type)?.status;

  await t.test("hangar deploy of the example homelab.yaml converges, run inside the node's network namespace", async (t) => {
    const result = await deploy(examplePath);
    t.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    t.match(result.stdout, /metallb-pool: ready in/);
    t.match(result.stdout, "ingress-nginx: entry point address 10.0.0.3 assigned to Service ingress-nginx/ingress-nginx-controller; `hangar doctor` checks that it answers on the LAN");
  });

  await t.test("MetalLB's Deployment and DaemonSet are Available through the real controller-manager, scheduler and kubelet", async (t) => {
    const controller = await node.get("deployment", "-n", "metallb-system", "metallb-controller");
    t.equal(conditionOf(controller, "Available"), "True");
    t.equal(controller.status.availableReplicas, 1);
    const speaker = await node.get("daemonset", "-n", "metallb-system", "metallb-speaker");
    t.equal(speaker.status.numberAvailable, 1);
    const statusManagers = (object: { metadata: { managedFields: { manager: string; subresource?: string }[] } }) =>
      object.metadata.managedFields.filter((field) => field.subresource === "status").map((field) => field.manager);
    t.same(statusManagers(controller), ["kube-controller-manager"], "the Deployment's status is the real controller-manager's");
    t.same(statusManagers(speaker), ["kube-controller-manager"], "so is the DaemonSet's");
    const pods = await node.get("pods", "-n", "metallb-system");
    t.same(
      pods.items.map((pod: any) => [pod.spec.nodeName, pod.status.phase, pod.status.containerStatuses[0].image, pod.status.containerStatuses[0].ready]).sort(),
      [[exampleNode.name, "Running", "quay.io/metallb/controller:v0.16.1", true], [exampleNode.name, "Running", "quay.io/metallb/speaker:v0.16.1", true]],
      "both pods run the v0.16.1 images on the node",
    );
  });

  await t.test("MetalLB's own controller wrote the webhook's CA", async (t) => {
    const webhook = await node.get("validatingwebhookconfiguration", "metallb-webhook-configuration");
    for (const hook of webhook.webhooks) t.match(Buffer.from(hook.clientConfig.caBundle ?? "", "base64").toString(), /BEGIN CERTIFICATE/, `${hook.name} carries a CA`);
    const writers = node.audit()
      .filter((event) => event.objectRef?.resource === "validatingwebhookconfigurations" && event.objectRef.name === "metallb-webhook-configuration" && event.verb !== "get")
      .map((event) => event.user.username);
    t.ok(writers.includes("system:serviceaccount:metallb-system:metallb-controller"), `written by MetalLB's service account (writers: ${[...new Set(writers)].join(", ")})`);
  });

  await t.test("the pool was applied only once MetalLB was ready: after the controller was Available and its CA written", async (t) => {
    const events = node.audit();
    const ok = (event: (typeof events)[number]) => (event.responseStatus?.code ?? 0) < 300;
    const firstPoolWrite = events.findIndex((event) =>
      event.user.username === admin && event.objectRef?.resource === "ipaddresspools" && mutating.has(event.verb) && !event.requestURI.includes("dryRun") && ok(event));
    const available = events.findIndex((event) =>
      event.objectRef?.resource === "deployments" && event.objectRef.subresource === "status" && event.objectRef.name === "metallb-controller" &&
      conditionOf(event.requestObject ?? {}, "Available") === "True");
    const speakerReady = events.findIndex((event) =>
      event.objectRef?.resource === "daemonsets" && event.objectRef.subresource === "status" && event.objectRef.name === "metallb-speaker" &&
      (event.requestObject?.status?.numberAvailable ?? 0) >= 1);
    const caWritten = events.findIndex((event) =>
      event.objectRef?.resource === "validatingwebhookconfigurations" && event.objectRef.name === "metallb-webhook-configuration" &&
      event.user.username === "system:serviceaccount:metallb-system:metallb-controller" && mutating.has(event.verb) && ok(event));
    t.ok(firstPoolWrite > 0, "hangar wrote the pool");
    t.ok(available >= 0 && available < firstPoolWrite, `the controller was Available first (event ${available} < ${firstPoolWrite})`);
    t.ok(speakerReady >= 0 && speakerReady < firstPoolWrite, `the speaker was available first (event ${speakerReady} < ${firstPoolWrite})`);
    t.ok(caWritten >= 0 && caWritten < firstPoolWrite, `the CA was injected first (event ${caWritten} < ${firstPoolWrite})`);
    const pool = await node.get("ipaddresspool", "-n", "metallb-system", "lan");
    t.same(pool.spec.addresses, ["10.0.0.3/32"]);
  });

  await t.test("MetalLB's real webhook refuses a bad pool", async (t) => {
    const file = join(t.testdir(), "overlap.yaml");
    writeFileSync(file, JSON.stringify({ apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "overlap", namespace: "metallb-system" }, spec: { addresses: ["10.0.0.3/32"] } }));
    const refused = await node.kubectlRun(["create", "-f", file]);
    t.not(refused.code, 0);
    t.match(refused.stderr, /admission webhook "ipaddresspoolvalidationwebhook\.metallb\.io" denied the request: .*CIDR "10\.0\.0\.3\/32" in pool "overlap" overlaps with already defined CIDR "10\.0\.0\.3\/32"/);
    await t.rejects(node.get("ipaddresspool", "-n", "metallb-system", "overlap"), /NotFound/);
  });

  await t.test("the real MetalLB controller assigns 10.0.0.3 to the ingress Service (its endpoints: the played ingress-nginx controller)", async (t) => {
    const service = await node.get("service", "-n", "ingress-nginx", "ingress-nginx-controller");
    t.same(service.status.loadBalancer.ingress.map((ingress: { ip: string }) => ingress.ip), ["10.0.0.3"]);
    const events = await node.get("events", "-n", "ingress-nginx", "--field-selector", "involvedObject.name=ingress-nginx-controller,involvedObject.kind=Service");
    t.ok(events.items.some((event: any) => event.reason === "IPAllocated" && event.source?.component === "metallb-controller"), "MetalLB's controller says it allocated the address");
    const pods = await node.get("pods", "-n", "ingress-nginx", "-l", "app.kubernetes.io/component=controller");
    t.equal(pods.items[0]?.status.containerStatuses[0].ready, true, "the played controller is ready, so the Service has a ready endpoint");
  });

  await t.test("from the peer, 10.0.0.3 resolves over ARP to the node's MAC: the real speaker answers", async (t) => {
    const arping = await node.onPeer(["arping", "-c", "2", "-w", "10", "-I", examplePeer.interface, "10.0.0.3"]);
    t.equal(arping.code, 0, arping.stdout + arping.stderr);
    const macs = [...arping.stdout.matchAll(/from ([0-9a-f:]{17})/gi)].map((match) => match[1]!.toLowerCase());
    t.ok(macs.length > 0, arping.stdout);
    t.same([...new Set(macs)], [exampleNode.mac]);
    const addresses = await node.inNode(["ip", "-o", "addr", "show"]);
    t.notMatch(addresses.stdout, /\b10\.0\.0\.3\//, "no interface of the node holds 10.0.0.3: the answer is the speaker's own");
  });

  await t.test("from the peer, http://10.0.0.3/ reaches the played ingress-nginx controller through kube-proxy", async (t) => {
    const answer = await node.onPeer([process.execPath, "-e", "fetch('http://10.0.0.3/').then((r) => r.text().then((body) => console.log(r.status, body.trim())))"]);
    t.equal(answer.stdout.trim(), "404 404 Not Found (played ingress-nginx)", answer.stderr);
    const neighbour = await node.onPeer(["ip", "neigh", "show", "10.0.0.3"]);
    t.match(neighbour.stdout, `lladdr ${exampleNode.mac}`, "the peer's kernel resolved 10.0.0.3 to the node");
  });

  await t.test("a re-run writes nothing, and hangar diff shows nothing", async (t) => {
    const before = node.audit().length;
    const rerun = await deploy(examplePath);
    t.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    const writes = node.audit().slice(before).filter((event) => event.user.username === admin && mutating.has(event.verb));
    const lock = (event: { requestURI: string }) => event.requestURI === "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hangar-deploy";
    t.same(writes.filter((event) => !lock(event)).map((event) => `${event.verb} ${event.requestURI}`), [], "no write, not even a dry run");
    t.equal(writes.filter(lock).length, 2, "but the deploy lock, taken and given back");
    const diff = await node.hangar(["diff", "--config", examplePath, "--kubeconfig", node.kubeconfig]);
    t.equal(diff.code, 0, diff.stderr);
    t.notMatch(diff.stdout, /would (create|change|delete)/);
    for (const flight of ["metallb", "metallb-pool", "ingress-nginx"]) t.match(diff.stdout, new RegExp(`${flight}\\s+\\d+ unchanged in`));
  });

  const doctor = () =>
    node.onPeer([process.execPath, fileURLToPath(new URL("../scripts/hangar.mjs", import.meta.url)), "doctor", "--config", examplePath, "--interface", examplePeer.interface, "--kubeconfig", node.kubeconfig]);

  await t.test("hangar doctor from the peer: all clear while only the node answers", async (t) => {
    const result = await doctor();
    t.equal(result.code, 0, result.stdout + result.stderr);
    t.match(result.stdout, `ok: 10.0.0.2 (node ${exampleNode.name}): answered by ${exampleNode.mac} only`);
    t.match(result.stdout, `ok: 10.0.0.3 (pool lan): answered by ${exampleNode.mac} only`);
    t.match(result.stdout, "all clear");
  });

  await t.test("the seed's mystery: another machine on the LAN takes 10.0.0.3 too, and hangar doctor from the peer names both MACs and says what to do", async (t) => {
    const thermostat = node.addMachine("thermo", ["10.0.0.3"]);
    t.teardown(() => node.removeMachine("thermo"));
    const result = await doctor();
    t.equal(result.code, 1, result.stdout + result.stderr);
    t.match(result.stdout, `problem: 10.0.0.3 (pool lan) is answered by ${exampleNode.mac} (a cluster node) and also by ${thermostat}, which is not a cluster node: probably a DHCP client; shrink the router's DHCP range and renew its leases`);
  });

  await t.test("a pod that cannot start: deploy's timeout names the pod and the reason from its events, with the image", async (t) => {
    // Envoy Gateway's image is taken away: its certgen Job's pod can never pull it (nothing leaves the node).
    await node.ctr(["images", "rm", "docker.io/envoyproxy/gateway:v1.9.0"]);
    const result = await deploy(gatewayExample, "--timeout", "60s");
    t.equal(result.code, 1, result.stdout);
    t.match(result.stderr, /timed out after 1m \(the deploy's --timeout\) waiting for /);
    // Whichever gate times out (the certgen Job or the controller's Deployment), its pod is named.
    t.match(result.stderr, /\b(eg-gateway-helm-certgen|envoy-gateway-[a-z0-9]{8,10})-[a-z0-9]{5}\b/, "a pod of Envoy Gateway, by name");
    // kubelet's words for it: the container's ErrImagePull/ImagePullBackOff, its events' "Back-off pulling image" or "Failed to pull image".
    t.match(result.stderr, /ImagePullBackOff|ErrImagePull|ErrImageNeverPull|Back-off pulling image|Failed to pull image/, "the reason from its events");
    t.match(result.stderr, "docker.io/envoyproxy/gateway:v1.9.0", "the image");
  });

  await t.test("the node stops and leaves no process, mount, cgroup, namespace or folder behind", async (t) => {
    node.stop();
    t.same(node.leftovers(), []);
    node.stop();
    t.same(node.leftovers(), [], "a second stop is harmless");
  });
});
