// Ctrl-C in the middle of a stage, against a real kube-apiserver: the summary lists every object
// the server confirmed, the answers to writes still in flight at the interrupt included, so what
// it says was created is exactly what exists.
import t from "tap";
import { Discovery, objectPath } from "../lib/kube/discovery.ts";
import { examplePlan } from "./helpers/cluster.ts";
import { examplePath } from "./helpers/example.ts";
import { playedCluster, type PlayedCluster } from "./helpers/played-cluster.ts";
import { runScript } from "./helpers/script-process.ts";

let cluster: PlayedCluster;
t.before(async () => {
  cluster = await playedCluster({ controllers: false });
});
t.teardown(() => cluster.close());

/** `Kind/namespace/name` of every object of the example that exists and carries its release's annotation. */
async function existing(): Promise<string[]> {
  const discovery = new Discovery(cluster.client);
  const found: string[] = [];
  for (const flight of examplePlan()) {
    for (const resource of flight.stages.flat()) {
      const info = await discovery.find(resource.apiVersion, resource.kind);
      if (!info) continue;
      const namespace = info.namespaced ? (resource.metadata.namespace ?? flight.namespace) : undefined;
      const live = await cluster.client.getOrUndefined(objectPath(info, namespace, resource.metadata.name));
      if (live?.metadata?.annotations?.["instance.atc.yoke.cd/release"] === flight.release) found.push(`${resource.kind}/${namespace ?? "_"}/${resource.metadata.name}`);
    }
  }
  return found.sort();
}

t.test("interrupted while a stage's writes are in flight, the summary names every object the server created", async (t) => {
  const run = runScript("deploy", ["--kubeconfig", cluster.server.kubeconfig, "--config", examplePath]);
  // The first CRD the server created: its siblings of the same stage were sent with it.
  const first = await cluster.server.untilAudited((e) => e.verb === "patch" && e.objectRef?.resource === "customresourcedefinitions" && !e.requestURI.includes("dryRun") && e.responseStatus?.code === 201);
  const completeAtInterrupt = cluster.server.audit().filter((e) => e.verb === "patch" && e.responseStatus?.code === 201 && !e.requestURI.includes("dryRun")).length;
  run.child.kill("SIGINT");
  t.not(await run.exited, 0, "an interrupted run does not succeed");
  t.ok(first);
  const stdout = run.stdout();
  t.match(stdout, /summary of the stopped run .*\n(.*\n)*  what the server confirmed before the run stopped:\n/);
  // MetalLB's and, started beside it, ingress-nginx's.
  const listed = [...stdout.matchAll(/^ {4}(?:metallb|ingress-nginx): (created|unanswered) (\S+)$/gm)];
  const created = listed.filter(([, outcome]) => outcome === "created").map(([, , id]) => id!).sort();
  const unanswered = listed.filter(([, outcome]) => outcome === "unanswered").map(([, , id]) => id!);
  const present = await existing();
  t.same(unanswered, [], "every write sent got its answer within the grace");
  t.same(created, present, "created, as the summary says, is what exists");
  t.ok(created.length >= completeAtInterrupt, `${created.length} confirmed, ${completeAtInterrupt} of them complete when Ctrl-C came`);
  t.match(run.stderr(), /interrupted: nothing new starts; writes already sent get 5s to answer/);
});
