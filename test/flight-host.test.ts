// The built flights as processes: stdin read to the end from a slow non-blocking pipe, a quiet
// exit when the reader of stdout goes away, YOKE_NAMESPACE checked; and metallb-pool's input
// given directly (as `yoke takeoff` does) checked with the same rules as homelab.yaml.
import t from "tap";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { builtFlight } from "./helpers/dist.ts";
import { examplePlan } from "./helpers/cluster.ts";
import { metallbPool } from "../flights/metallb-pool/flight.ts";
import { InputError } from "../lib/flight/contract.ts";

const env = { ...process.env, NODE_OPTIONS: "" };
const plan = (name: string) => examplePlan().find((flight) => flight.name === name)!;

t.test("stdin from a slow writer on a non-blocking pipe is read to the end", async (t) => {
  const input = JSON.stringify(plan("metallb").input);
  const expected = spawnSync(process.execPath, [builtFlight("metallb")], { input, env, encoding: "utf8" }).stdout;
  // A pipe whose reading end is non-blocking (as Go's, yoke's, are): a read before the writer
  // has written fails with EAGAIN instead of waiting.
  const fifo = join(t.testdir(), "stdin");
  spawnSync("mkfifo", [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  const child = spawn(process.execPath, [builtFlight("metallb")], { env, stdio: [reader, "pipe", "pipe"] });
  closeSync(reader);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  writeSync(writer, input.slice(0, 10));
  // The rest only after the flight has started: how long that takes changes nothing below.
  await once(child, "spawn");
  await new Promise((resolve) => setTimeout(resolve, 300));
  writeSync(writer, input.slice(10));
  closeSync(writer);
  const [code] = await once(child, "close");
  t.equal(code, 0, stderr);
  t.equal(stderr, "");
  t.equal(stdout, expected);
});

t.test("| head: the flight stops quietly when nobody reads stdout any more", async (t) => {
  const input = JSON.stringify(plan("metallb").input);
  const result = spawnSync("bash", ["-c", `"${process.execPath}" "${builtFlight("metallb")}" | head -c 100 > /dev/null; echo "status \${PIPESTATUS[0]}" >&2`], { input, env, encoding: "utf8" });
  t.equal(result.stderr, "status 0\n", "no EPIPE trace, exit 0");
});

t.test("YOKE_NAMESPACE must be a namespace name", async (t) => {
  const input = JSON.stringify(plan("metallb-pool").input);
  for (const [variable, value] of [["YOKE_NAMESPACE", "Metal LB"], ["YOKE_NAMESPACE", "-x"], ["NAMESPACE", "a_b"], ["YOKE_NAMESPACE", "x".repeat(64)]] as const) {
    const result = spawnSync(process.execPath, [builtFlight("metallb-pool")], { input, env: { ...env, [variable]: value }, encoding: "utf8" });
    t.equal(result.status, 1, `${variable}=${value}`);
    t.equal(result.stdout, "");
    t.equal(result.stderr, `metallb-pool: ${variable}: "${value}" is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters; it names the namespace the release goes to\n`);
  }
  const good = spawnSync(process.execPath, [builtFlight("metallb-pool")], { input, env: { ...env, YOKE_NAMESPACE: "lb" }, encoding: "utf8" });
  t.equal(good.status, 0, good.stderr);
  t.match(good.stdout, '"namespace": "lb"');
});

t.test("metallb-pool input given directly gets homelab.yaml's semantic checks", async (t) => {
  const base = () => ({
    pools: [{ name: "lan", addresses: ["10.0.0.3/32"] }],
    l2Advertisements: [{ name: "lan", ipAddressPools: ["lan"], interfaces: ["enp1s0"] }],
  });
  const problem = (change: (input: ReturnType<typeof base>) => void) => {
    const input = base();
    change(input);
    try {
      metallbPool.parse(input);
      return "accepted";
    } catch (error) {
      return error instanceof InputError ? error.message : String(error);
    }
  };
  t.equal(problem(() => undefined), "accepted");
  t.equal(problem((i) => (i.pools[0]!.addresses = ["10.0.0.5/24"])), "input.pools[0].addresses[0]: 10.0.0.5/24 is not a network address; write 10.0.0.0/24 or list the single address as 10.0.0.5/32");
  t.equal(problem((i) => (i.pools[0]!.addresses = ["10.0.0.9-10.0.0.3"])), "input.pools[0].addresses[0]: 10.0.0.9-10.0.0.3 is reversed: its first address comes after its last; write 10.0.0.3-10.0.0.9");
  t.equal(problem((i) => i.pools.push({ name: "lan", addresses: ["10.0.0.4/32"] })), 'input.pools[1].name: pool "lan" is declared twice');
  t.equal(problem((i) => (i.l2Advertisements[0]!.ipAddressPools = ["wan"])), 'input.l2Advertisements[0].ipAddressPools[0]: names pool "wan", which is not declared (pools: lan)');
  t.equal(problem((i) => (i.l2Advertisements[0]!.interfaces = ["enp 1"])), 'input.l2Advertisements[0].interfaces[0]: "enp 1" contains whitespace, which Linux interface names cannot contain');
  t.equal(problem((i) => (i.l2Advertisements[0]!.interfaces = ["a-very-long-name0"])), 'input.l2Advertisements[0].interfaces[0]: "a-very-long-name0" is 17 characters long; Linux interface names have at most 15');
  t.equal(problem((i) => Object.assign(i.l2Advertisements[0]!, { nodeSelectors: [{ matchLabels: { "kubernetes.io/hostname": "bad name" } }] })), 'input.l2Advertisements[0].nodeSelectors[0].matchLabels.kubernetes.io/hostname: must be a Kubernetes label value (got "bad name")');
});
