// The real API server of the tests never leaves loopback: a webhook call, the one thing that
// makes kube-apiserver dial into the cluster, goes to a Unix socket nobody listens on, whatever
// endpoint the Service has. Proven inside a network namespace with nothing but loopback, so even
// a regression sends no packet anywhere.
import t from "tap";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const probe = fileURLToPath(new URL("./helpers/egress-probe.ts", import.meta.url));
const root = process.getuid?.() === 0;
const skip = !root && process.env.CI !== "true" ? "needs root for a network namespace (unshare -n); CI runs it" : false;

t.test("a webhook call dials the dead socket, never the endpoint's address", { skip }, async (t) => {
  const run = spawnSync("unshare", ["-n", "sh", "-c", `ip link set lo up && exec "${process.execPath}" --import tsx "${probe}"`], { encoding: "utf8", timeout: 120_000 });
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /failed calling webhook "probe\.hangar\.test": failed to call webhook: Post "https:\/\/hook\.probe\.svc:443\/\?timeout=10s": dial unix \S+\/no-cluster-network\.sock: connect: no such file or directory/);
  t.notMatch(run.stdout, /192\.0\.2\.10/, "the endpoint's address is never dialled");
});
