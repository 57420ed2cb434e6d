#!/usr/bin/env node
// hangar reset: resets one node with talosctl after asking. By default it erases the node's
// configuration and data (STATE, EPHEMERAL) and reboots it into maintenance mode, ready for
// up.mjs; --wipe-disk wipes the whole disk and powers it off. The only control plane is reset
// with --graceful=false: etcd cannot leave a one-member cluster. Without a terminal to ask on,
// only --yes confirms.
import { existsSync } from "node:fs";
import { canResetGracefully } from "../../lib/talos/decide.ts";
import { reset, commandLine as talosCommandLine } from "../../lib/talos/commands.ts";
import { confirmDestruction } from "../../lib/cli/confirm.ts";
import { consoleIO, loadTalos, stateDirFor } from "./talos.mjs";
import { loadDeclaration } from "./declaration.mjs";
import { paint, print, write } from "./console.mjs";

export async function run(options) {
  const homelab = loadDeclaration(options.config);
  const talos = loadTalos();
  const layout = talos.stateLayout(stateDirFor(options.config));
  const node = pickNode(homelab, options);
  if (!existsSync(layout.talosconfig)) {
    throw new Error(`${layout.talosconfig} is missing, so hangar cannot talk to ${node.name}; boot the Talos ISO and use its "Reset Talos installation" entry instead`);
  }
  const graceful = canResetGracefully(talos.controlPlanes(homelab).length, node.role);
  const wipeDisk = options.wipeDisk === true;
  const what = wipeDisk
    ? "wipes its whole disk and powers it off (it will need the ISO to come back)"
    : "erases its configuration and data (STATE and EPHEMERAL) and reboots it into maintenance mode";
  const destroys = [`This resets ${node.name} (${node.address}): ${what}.`];
  if (!graceful) destroys.push(paint.yellow("It is the only control plane: the cluster, etcd and every workload go with it."));
  const answer = await confirmDestruction({ destroys, typed: node.name, yes: options.yes === true }, { input: process.stdin, write });
  if (!answer.confirmed) {
    print(`Not confirmed: ${answer.why}; nothing was reset.`);
    process.exitCode = 1;
    return;
  }
  const command = reset(layout, node.address, { graceful, wipeDisk });
  const io = consoleIO(talos);
  io.log(`$ ${talosCommandLine(command)}`);
  const result = await io.talosctl(command, { stream: (line) => io.log(`  ${line}`) });
  if (result.code !== 0) throw new Error(`talosctl reset failed: ${talos.lastLine(result.stderr)}`);
  print(paint.green(wipeDisk ? `${node.name} is wiped.` : `${node.name} is back in maintenance mode; scripts/up.mjs installs it again.`));
}

function pickNode(homelab, options) {
  const names = homelab.nodes.map((node) => node.name).join(", ");
  if (options.node === undefined) {
    if (homelab.nodes.length === 1) return homelab.nodes[0];
    throw new Error(`say which node to reset with --node (${names})`);
  }
  const node = homelab.nodes.find((candidate) => candidate.name === options.node);
  if (!node) throw new Error(`no node named ${options.node} in ${options.config} (nodes: ${names})`);
  return node;
}
