// The fake API server held to the real kubectl (v1.37, built by `npm run tools`): server-side
// apply with validation on, and `kubectl wait` — whose informer lists and watches with
// sendInitialEvents, bookmarks and field selectors — returning the moment a condition turns
// true. Each wait is started, its watch seen by the server, and only then the gate opened.
import t from "tap";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { fakeCluster } from "./helpers/cluster.ts";
import { realTool } from "./helpers/tools.ts";

const run = promisify(execFile);

t.test("kubectl apply --server-side and kubectl wait against the fake API server", async (t) => {
  const kubectl = realTool("kubectl");
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const dir = t.testdir();
  const apply = (name: string, objects: object[]) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, objects.map((object) => stringify(object)).join("---\n"));
    return run(kubectl, ["--kubeconfig", kubeconfig, "apply", "--server-side", "-f", file]);
  };
  /** Starts `kubectl wait`, waits until its watch reached the server, then opens the gate. */
  const waitFor = async (args: string[], watchPath: string, open: () => void) => {
    const watching = server.nextRequest((request) => request.watch && request.path === watchPath);
    const waiting = run(kubectl, ["--kubeconfig", kubeconfig, "wait", ...args, "--timeout=60s"]);
    await watching;
    open();
    return waiting;
  };

  server.hold("crd-established");
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "ipaddresspools.metallb.io" },
    spec: { group: "metallb.io", names: { kind: "IPAddressPool", plural: "ipaddresspools" }, scope: "Namespaced", versions: [{ name: "v1beta1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }] },
  };
  const applied = await apply("crd", [crd]);
  t.equal(applied.stdout, "customresourcedefinition.apiextensions.k8s.io/ipaddresspools.metallb.io serverside-applied\n");
  t.equal(server.requests.find((request) => request.method === "PATCH")?.query.fieldValidation, "Strict", "kubectl leaves validation to the server, as with a real one");
  const established = await waitFor(["--for=condition=Established", "crd/ipaddresspools.metallb.io"], "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", () => server.release("crd-established"));
  t.equal(established.stdout, "customresourcedefinition.apiextensions.k8s.io/ipaddresspools.metallb.io condition met\n");
  const watch = server.requests.find((request) => request.watch)!;
  t.match(watch.query, { sendInitialEvents: "true", allowWatchBookmarks: "true", fieldSelector: "metadata.name=ipaddresspools.metallb.io" }, "client-go's WatchList, answered");

  server.hold("rollout");
  await apply("app", [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } },
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "demo" }, spec: { replicas: 2, template: { spec: { containers: [{ name: "web", image: "nginx" }] } } } },
  ]);
  const available = await waitFor(["--for=condition=Available", "deployment/web", "-n", "demo"], "/apis/apps/v1/namespaces/demo/deployments", () => server.release("rollout"));
  t.equal(available.stdout, "deployment.apps/web condition met\n");

  server.hold("lb-ip-assigned");
  await apply("lb", [
    { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "lan", namespace: "demo" }, spec: { addresses: ["10.0.0.3/32"] } },
    { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "demo", annotations: { "metallb.io/loadBalancerIPs": "10.0.0.3" } }, spec: { type: "LoadBalancer" } },
  ]);
  const address = await waitFor(["--for=jsonpath={.status.loadBalancer.ingress[0].ip}=10.0.0.3", "service/web", "-n", "demo"], "/api/v1/namespaces/demo/services", () => server.release("lb-ip-assigned"));
  t.equal(address.stdout, "service/web condition met\n");
});
