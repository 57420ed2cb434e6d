#!/usr/bin/env node
// hangar doctor: who answers ARP for every address hangar owns (arp-scan), for each declared
// entry point (ingress-nginx, the Gateway) whether its address is assigned and answers HTTP,
// and whether the Kubernetes API answers at all. --watch keeps probing and reports the
// moment an answer changes: DHCP conflicts show up minutes after MetalLB starts announcing.
import { existsSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { $ } from "zx";
import { arpScanArgs, parseArpScan } from "../../lib/net/arp-scan.ts";
import { formatIPv4, parseCIDR } from "../../lib/net/ipv4.ts";
import { changes, diagnose, probeTargets } from "../../lib/net/diagnose.ts";
import { linkMac } from "../../lib/net/talos-links.ts";
import { answerFinding, checkAssignment, entryPoints } from "../../lib/net/entry-points.ts";
import { loadDeclaration } from "./declaration.mjs";
import { stateDirFor } from "./talos.mjs";
import { paint, print } from "./console.mjs";

$.verbose = false;
let options;

export async function run(parsed) {
  options = parsed;
  const config = options.config;
  const homelab = loadDeclaration(config);
  const declaredMacs = await withTalosMacs(homelab, config);
  const targets = probeTargets({ ...homelab, nodes: homelab.nodes.map((node) => ({ ...node, mac: declaredMacs.get(node.name) })) });
  const nodeMacs = new Set(declaredMacs.values());
  // The declaration was validated: its subnet parses.
  const networkAddress = formatIPv4(parseCIDR(homelab.network.subnet).first);
  const probe = async () => {
    const result = await $`arp-scan ${arpScanArgs(options.interface, targets.map((target) => target.ip), networkAddress)}`.nothrow();
    if (result.exitCode !== 0) throw new Error(`arp-scan failed (exit ${result.exitCode}): ${result.stderr.trim().split("\n")[0]}; it needs root (or CAP_NET_RAW) and --interface on the LAN`);
    return parseArpScan(result.stdout);
  };
  await $`command -v arp-scan`.catch(() => {
    throw new Error("arp-scan is not installed; on Debian: apt-get install arp-scan");
  });

  let answers = await probe();
  let problems = report(diagnose(targets, answers, nodeMacs));
  problems += await checkServices(homelab, config);
  const rounds = options.watch ? options.count ?? Infinity : 0;
  for (let round = 1; round < rounds; round++) {
    await new Promise((resolve) => setTimeout(resolve, options.interval));
    const next = await probe();
    const changed = changes(answers, next, targets);
    for (const line of changed) print(paint.yellow(`changed: ${line}`));
    const nowWrong = diagnose(targets, next, nodeMacs).filter((finding) => finding.problem && changed.some((line) => line.startsWith(`${finding.ip} `)));
    problems += report(nowWrong);
    answers = next;
  }
  if (problems > 0) {
    print(paint.red(`${problems} problem${problems === 1 ? "" : "s"} found`));
    process.exitCode = 1;
    return;
  }
  print(paint.green("all clear"));
}

/** Node MACs: declared in homelab.yaml, else asked of the node through talosctl when it can be. */
async function withTalosMacs(homelab, config) {
  const talosconfig = path.join(stateDirFor(config), "talosconfig");
  const canAsk = (await $`command -v talosctl`.nothrow()).exitCode === 0 && existsSync(talosconfig);
  const macs = new Map();
  for (const node of homelab.nodes) {
    let mac = node.mac;
    if (!mac && canAsk) {
      const links = await $`talosctl --talosconfig ${talosconfig} -n ${node.address} -e ${node.address} get links -o json`.nothrow();
      mac = links.exitCode === 0 ? linkMac(links.stdout, node.interface) : undefined;
    }
    if (mac) macs.set(node.name, mac);
  }
  return macs;
}

function report(findings) {
  for (const finding of findings) print(finding.problem ? paint.red(`problem: ${finding.message}`) : `ok: ${finding.message}`);
  return findings.filter((finding) => finding.problem).length;
}

/** Each entry point: assigned (asked of the cluster, when a kubeconfig is at hand) and answering HTTP; then the API endpoint. */
async function checkServices(homelab, config) {
  const timeout = options.timeout;
  const client = await clusterClient(config);
  let problems = 0;
  for (const entry of entryPoints(homelab)) {
    if (client) problems += report([await checkAssignment(client, entry, AbortSignal.timeout(10_000))]);
    try {
      const response = await fetch(`http://${entry.address}/`, { signal: AbortSignal.timeout(timeout), redirect: "manual" });
      problems += report([answerFinding(entry, { status: response.status })]);
    } catch (err) {
      problems += report([answerFinding(entry, { error: err.cause?.code ?? err.name })]);
    }
  }
  const endpoint = homelab.cluster.vip ?? homelab.nodes.find((node) => node.role === "controlplane").address;
  return problems + (await apiAnswers(endpoint, timeout) ? 0 : 1);
}

/** A client for the cluster of --kubeconfig, else of the state folder; none (and a note) without one. */
async function clusterClient(config) {
  const kubeconfig = options.kubeconfig ?? path.join(stateDirFor(config), "kubeconfig");
  if (!existsSync(kubeconfig)) {
    print(`note: no kubeconfig at ${kubeconfig}: whether the entry points' addresses are assigned is not checked (pass --kubeconfig FILE)`);
    return undefined;
  }
  const { KubeClient } = await import("../../lib/kube/client.ts");
  return KubeClient.create({ kubeconfig, context: options.context, retry: { attempts: 2, baseMs: 200, maxMs: 500 } });
}

function apiAnswers(host, timeout) {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 6443, timeout });
    const done = (ok, why) => {
      socket.destroy();
      print(ok ? `ok: the Kubernetes API at ${host}:6443 accepts connections` : paint.red(`problem: the Kubernetes API at ${host}:6443 does not answer (${why}); is the control plane up?`));
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", (err) => done(false, err.code));
    socket.once("timeout", () => done(false, "timeout"));
  });
}
