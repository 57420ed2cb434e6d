// The network doctor on a LAN of network namespaces made here: a node answering for the pool
// address, a "thermostat" claiming the same address, silence, and a thief appearing later.
import t from "tap";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLan, netnsUnavailable, type Lan } from "./helpers/netns.ts";
import { parseArpScan } from "../lib/net/arp-scan.ts";
import { diagnose, changes } from "../lib/net/diagnose.ts";

const doctor = fileURLToPath(new URL("../scripts/doctor.mjs", import.meta.url));

function declaration(nodeMac: string, poolAddress: string): string {
  return `cluster:
  name: lab
  talosVersion: v1.13.9
  kubernetesVersion: 1.36.3
network:
  subnet: 192.0.2.0/24
  gateway: 192.0.2.1
  dhcpRange: { start: 192.0.2.100, end: 192.0.2.199 }
nodes:
  - name: lab-cp-0
    role: controlplane
    address: 192.0.2.2
    mac: "${nodeMac}"
    installDisk: /dev/sda
addons:
  metallb:
    pools: [{ name: lan, addresses: [${poolAddress}/32] }]
    l2Advertisements: [{ name: lan }]
  ingressNginx:
    address: ${poolAddress}
`;
}

/** ingress-nginx's default 404 and an API port that accepts connections, inside the node namespace. */
const services = `
import http.server, socket, threading
class NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404); self.end_headers(); self.wfile.write(b"404 Not Found")
    def log_message(self, *args): pass
api = socket.socket(); api.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); api.bind(("0.0.0.0", 6443)); api.listen()
threading.Thread(target=lambda: [api.accept()[0].close() for _ in iter(int, 1)], daemon=True).start()
server = http.server.ThreadingHTTPServer(("0.0.0.0", 80), NotFound)
print("listening", flush=True)
server.serve_forever()
`;

t.test("pure parts: arp-scan output, verdicts and changes", async (t) => {
  const answers = parseArpScan("192.0.2.2\tBA:FC:AC:D7:92:8D\t(Unknown)\n192.0.2.3\tce:19:9e:42:91:5e\t(Unknown)\n192.0.2.3\tba:fc:ac:d7:92:8d\t(Unknown) (DUP: 2)\n\n3 packets received\n");
  t.same(answers, [{ ip: "192.0.2.2", mac: "ba:fc:ac:d7:92:8d" }, { ip: "192.0.2.3", mac: "ce:19:9e:42:91:5e" }, { ip: "192.0.2.3", mac: "ba:fc:ac:d7:92:8d" }]);
  const targets = [{ ip: "192.0.2.2", owner: "node a", expectedMac: "ba:fc:ac:d7:92:8d" }, { ip: "192.0.2.3", owner: "pool lan" }, { ip: "192.0.2.4", owner: "pool lan" }];
  const findings = diagnose(targets, answers, new Set(["ba:fc:ac:d7:92:8d"]));
  t.same(findings.map((f) => f.problem), [false, true, true]);
  t.match(findings[1]!.message, "192.0.2.3 (pool lan) is answered by ba:fc:ac:d7:92:8d (a cluster node) and also by ce:19:9e:42:91:5e, which is not a cluster node");
  t.match(findings[2]!.message, "192.0.2.4 (pool lan): nobody answers ARP");
  t.same(diagnose([targets[1]!], [answers[1]!, answers[2]!], new Set()).map((f) => f.message), ["192.0.2.3 (pool lan) is answered by two owners, ce:19:9e:42:91:5e and ba:fc:ac:d7:92:8d; only one node should announce it"]);
  t.same(changes([answers[2]!], answers, targets), ["192.0.2.2 (node a): was answered by nobody, now by ba:fc:ac:d7:92:8d", "192.0.2.3 (pool lan): was answered by ba:fc:ac:d7:92:8d, now by ba:fc:ac:d7:92:8d, ce:19:9e:42:91:5e"]);
});

const unavailable = netnsUnavailable();
// Outside CI a machine without root or the tools says why it skips; CI must run these.
const skip = unavailable && process.env.CI !== "true" ? `network namespace tests skipped: ${unavailable}` : false;
t.test("on a LAN of network namespaces", { skip }, async (t) => {
  if (unavailable) t.fail(`CI must be able to run the namespace tests: ${unavailable}`);
  const lan: Lan = createLan(`hgd${process.pid}`, "192.0.2.250/24");
  const children: ChildProcess[] = [];
  t.teardown(() => {
    children.forEach((child) => child.kill());
    lan.destroy();
  });
  const nodeMac = lan.addHost("node", ["192.0.2.2/24", "192.0.2.3/32"]);
  const node = spawn("ip", ["netns", "exec", `${lan.probe.replace(/-probe$/, "")}-node`, "python3", "-c", services], { stdio: ["ignore", "pipe", "ignore"] });
  children.push(node);
  // The node says when both ports are bound, however long a busy machine takes.
  await printed(node.stdout!, "listening");
  const dir = t.testdir();
  const config = join(dir, "homelab.yaml");
  const run = (...args: string[]) =>
    spawnSync("ip", ["netns", "exec", lan.probe, process.execPath, doctor, "--config", config, "--interface", "br0", ...args], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });

  await t.test("all clear when only the node answers", async (t) => {
    writeFileSync(config, declaration(nodeMac, "192.0.2.3"));
    const result = run();
    t.equal(result.status, 0, result.stdout + result.stderr);
    t.match(result.stdout, `ok: 192.0.2.2 (node lab-cp-0): answered by ${nodeMac} only`);
    t.match(result.stdout, "ok: http://192.0.2.3/ answers 404");
    t.match(result.stdout, "all clear");
  });

  await t.test("a silent address is reported", async (t) => {
    writeFileSync(config, declaration(nodeMac, "192.0.2.4"));
    const result = run();
    t.equal(result.status, 1);
    t.match(result.stdout, "problem: 192.0.2.4 (pool lan): nobody answers ARP");
  });

  await t.test("a thermostat claiming the ingress address is named, beside the node", async (t) => {
    writeFileSync(config, declaration(nodeMac, "192.0.2.3"));
    const thermostatMac = lan.addHost("thermo", ["192.0.2.3/24"]);
    t.teardown(() => lan.removeHost("thermo"));
    const result = run();
    t.equal(result.status, 1);
    t.match(result.stdout, `problem: 192.0.2.3 (pool lan) is answered by ${nodeMac} (a cluster node) and also by ${thermostatMac}, which is not a cluster node: probably a DHCP client; shrink the router's DHCP range and renew its leases`);
  });

  await t.test("--watch reports a thief that appears later", async (t) => {
    writeFileSync(config, declaration(nodeMac, "192.0.2.3"));
    const watching = spawn("ip", ["netns", "exec", lan.probe, process.execPath, doctor, "--config", config, "--interface", "br0", "--watch", "--count", "3", "--interval", "2"], { env: { ...process.env, FORCE_COLOR: "0" } });
    children.push(watching);
    // The first round has ended once the API check is printed; the thief appears before the next.
    const firstRound = printed(watching.stdout, "accepts connections");
    let output = "";
    watching.stdout.on("data", (chunk) => (output += chunk));
    await firstRound;
    const thermostatMac = lan.addHost("thief", ["192.0.2.3/24"]);
    const code = await new Promise((resolve) => watching.on("exit", resolve));
    t.equal(code, 1);
    t.match(output, `changed: 192.0.2.3 (pool lan): was answered by ${nodeMac}, now by`);
    t.match(output, thermostatMac);
  });
});

t.test("node MACs from talosctl's link list", async (t) => {
  const { linkMac, jsonDocuments } = await import("../lib/net/talos-links.ts");
  const output = `{"node":"10.0.0.2","metadata":{"id":"lo"},"spec":{"hardwareAddr":"00:00:00:00:00:00","kind":""}}
{
  "node": "10.0.0.2",
  "metadata": { "id": "enp1s0", "note": "a } in a string" },
  "spec": { "hardwareAddr": "00:1E:06:45:12:34", "kind": "" }
}
{"node":"10.0.0.2","metadata":{"id":"flannel.1"},"spec":{"hardwareAddr":"aa:aa:aa:aa:aa:aa","kind":"vxlan"}}`;
  t.equal(jsonDocuments(output).length, 3);
  t.equal(linkMac(output, "enp1s0"), "00:1e:06:45:12:34");
  t.equal(linkMac(output), "00:1e:06:45:12:34", "the physical link when the declaration names none");
  t.equal(linkMac(output, "flannel.1"), "aa:aa:aa:aa:aa:aa");
  t.equal(linkMac("", "enp1s0"), undefined);
});

/** Resolves once the stream has printed `text` (events, not polling). */
function printed(stream: Readable, text: string): Promise<void> {
  let seen = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      seen += chunk;
      if (!seen.includes(text)) return;
      stream.off("data", onData);
      resolve();
    };
    stream.on("data", onData);
    stream.once("end", () => (seen.includes(text) ? undefined : reject(new Error(`the process ended without printing ${JSON.stringify(text)}`))));
  });
}
