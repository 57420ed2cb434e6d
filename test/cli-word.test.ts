// The command line keeps its word: --no-color takes =true/=false like every flag, an unknown
// command is misuse even with --help, the dry run's Talos plan speaks of a Tailscale key only
// when Tailscale is declared, and Ctrl-C ends every command with exit 130 (a real SIGINT to a
// running command: a deploy waiting on the fake API server stops cleanly, a command waiting on
// a server that never answers stops at once).
import t from "tap";
import { createServer, type Socket } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hangar, hangarEnv, printed, startHangar } from "./helpers/hangar.ts";
import { edits, examplePath } from "./helpers/example.ts";
import { fakeCluster } from "./helpers/cluster.ts";
import { parseCommandLine } from "../lib/cli/program.ts";

const colour = /\x1b\[/;

t.test("--no-color alone, =true and =false", async (t) => {
  const forced = { env: hangarEnv({ FORCE_COLOR: "1" }) };
  const cases: [string[], boolean][] = [[[], true], [["--no-color"], false], [["--no-color=true"], false], [["--no-color=false"], true]];
  for (const [flags, coloured] of cases) {
    const run = await hangar(["render", "--config", examplePath, ...flags], forced);
    t.equal(run.code, 0, flags.join(" "));
    t.equal(colour.test(run.stdout), coloured, `FORCE_COLOR=1 ${flags.join(" ") || "(no flag)"}: ${coloured ? "colour" : "none"}`);
  }
  const bad = await hangar(["render", "--no-color=maybe"]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, 'error: --no-color "maybe": expected true or false');
  const quiet = { stdout: () => undefined, stderr: () => undefined };
  t.match(parseCommandLine("render", ["--no-color=false"], { version: "0", streams: quiet }), { ok: true, options: { color: true } });
  t.match(parseCommandLine("render", ["--no-color=true"], { version: "0", streams: quiet }), { ok: true, options: { color: false } });
});

t.test("an unknown command is exit 2 with or without --help; a known one's help is exit 0", async (t) => {
  for (const args of [["upp"], ["upp", "--help"], ["upp", "-h"], ["bench-flights", "--help"]]) {
    const run = await hangar(args);
    t.equal(run.code, 2, args.join(" "));
    t.match(run.stderr, `error: unknown command '${args[0]}'`, args.join(" "));
    t.equal(run.stdout, "", args.join(" "));
  }
  t.match(await hangar(["upp", "--help"]), { stderr: /\(Did you mean up\?\)/ });
  const known = await hangar(["up", "--help"]);
  t.equal(known.code, 0);
  t.match(known.stdout, "Usage: hangar up [options]");
});

t.test("up --dry-run speaks of a Tailscale key only when Tailscale is declared", async (t) => {
  const plain = await hangar(["up", "--dry-run", "--config", examplePath]);
  t.equal(plain.code, 0, plain.stderr);
  t.notMatch(plain.stdout, /tailscale/i);
  const config = join(t.testdir(), "homelab.yaml");
  writeFileSync(config, edits(["    - siderolabs/intel-ucode\n", "    - siderolabs/intel-ucode\n    - siderolabs/tailscale\n"]));
  const tailscale = await hangar(["up", "--dry-run", "--config", config]);
  t.equal(tailscale.code, 0, tailscale.stderr);
  t.match(tailscale.stdout, "(the Tailscale key is a placeholder here)");
});

t.test("Ctrl-C during a deploy's wait: a clean stop, exit 130, and a re-run converges", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  server.hold("rollout");
  const { child, done } = startHangar(["deploy", "--config", examplePath, "--kubeconfig", kubeconfig]);
  await printed(child.stdout!, /waiting for Deployment\/metallb-system\/metallb-controller/);
  child.kill("SIGINT");
  const run = await done;
  t.equal(run.code, 130, run.stderr);
  t.match(run.stderr, "interrupted: nothing new starts; writes already sent get 5s to answer (Ctrl-C again to stop at once); no release record is half-written and a re-run converges");
  server.release("rollout");
  const again = await hangar(["deploy", "--config", examplePath, "--kubeconfig", kubeconfig]);
  t.equal(again.code, 0, again.stderr);
});

t.test("Ctrl-C while waiting on a server that never answers: stops at once, exit 130", async (t) => {
  const sockets = new Set<Socket>();
  let connected!: () => void;
  const connection = new Promise<void>((resolve) => (connected = resolve));
  const silent = createServer((socket) => {
    sockets.add(socket);
    connected();
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.teardown(() => {
    sockets.forEach((socket) => socket.destroy());
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const kubeconfig = join(t.testdir(), "kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`,
  );
  // adopt plans before it asks anything: its first request waits on the silent server.
  const { child, done } = startHangar(["adopt", "--plan", "--config", examplePath, "--kubeconfig", kubeconfig]);
  await connection;
  child.kill("SIGINT");
  const run = await done;
  t.equal(run.code, 130);
  t.equal(run.stderr, "\ninterrupted\n");
});
