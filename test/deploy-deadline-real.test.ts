// --timeout bounds the whole run: when the real kube-apiserver stops answering in the middle of
// a deploy (its etcd killed), `deploy --timeout 15s` stops at its deadline, retries included,
// and says which server stopped answering and for how long.
import t from "tap";
import { startRealApiServer, type RealApiServer } from "./helpers/real-apiserver.ts";
import { examplePath } from "./helpers/example.ts";
import { runScript } from "./helpers/script-process.ts";

let server: RealApiServer;
t.before(async () => {
  server = await startRealApiServer();
});
t.teardown(() => server.close());

t.test("etcd gone mid-run: the deploy ends at its deadline and says the API server stopped answering", async (t) => {
  const run = runScript("deploy", ["--kubeconfig", server.kubeconfig, "--config", examplePath, "--timeout", "15s"]);
  // The first object the server stored: the run is under way.
  await server.untilAudited((e) => e.verb === "patch" && e.responseStatus?.code === 201 && !e.requestURI.includes("dryRun") && e.objectRef?.resource !== "leases");
  await server.killEtcd();
  const killed = performance.now();
  t.equal(await run.exited, 1, "the run ended, and did not succeed");
  const waited = (performance.now() - killed) / 1000;
  t.match(run.stderr(), new RegExp(`the API server at ${server.url.replace(/\./g, "\\.")} stopped answering: no answer for \\d+s.*; the deploy gave up at its --timeout of 15s`));
  // Before, every request was tried 8 times for 30 s each, whatever --timeout said: minutes.
  t.ok(waited < 60, `ended ${waited.toFixed(0)}s after etcd went, not after minutes of retries`);
  t.match(run.stdout(), /summary of the stopped run/, "and says what the server had confirmed");
});
