#!/usr/bin/env node
// hangar reset: resets one node with talosctl after asking. By default it erases the node's
// configuration and data (STATE, EPHEMERAL) and reboots it into maintenance mode, ready for
// up.mjs; --wipe-disk wipes the whole disk and powers it off. The only control plane is reset
// with --graceful=false: etcd cannot leave a one-member cluster.
//   scripts/reset.mjs [--node NAME] [--wipe-disk] [--yes] [--config homelab.yaml]
import { createInterface } from "node:readline";
import { argv, chalk, fs } from "zx";
import { importDist } from "./flights.mjs";
import { consoleIO, loadDeclaration, loadTalos, stateDirFor } from "./talos.mjs";

const configPath = argv.config ?? "homelab.yaml";

async function main() {
  const homelab = await loadDeclaration(configPath);
  const { canResetGracefully } = await importDist("talos/decide.js");
  const { reset, commandLine } = await importDist("talos/commands.js");
  const talos = await loadTalos();
  const layout = talos.stateLayout(stateDirFor(configPath));
  const node = pickNode(homelab);
  if (!(await fs.pathExists(layout.talosconfig))) {
    throw new Error(`${layout.talosconfig} is missing, so hangar cannot talk to ${node.name}; boot the Talos ISO and use its "Reset Talos installation" entry instead`);
  }
  const controlPlanes = talos.controlPlanes(homelab).length;
  const graceful = canResetGracefully(controlPlanes, node.role);
  const wipeDisk = Boolean(argv["wipe-disk"]);
  const what = wipeDisk
    ? "wipes its whole disk and powers it off (it will need the ISO to come back)"
    : "erases its configuration and data (STATE and EPHEMERAL) and reboots it into maintenance mode";
  console.log(`This resets ${node.name} (${node.address}): ${what}.`);
  if (!graceful) console.log(chalk.yellow("It is the only control plane: the cluster, etcd and every workload go with it."));
  if (!argv.yes && !(await confirmed(node.name))) {
    console.log("Not confirmed; nothing was reset.");
    process.exitCode = 1;
    return;
  }
  const command = reset(layout, node.address, { graceful, wipeDisk });
  const io = consoleIO(talos);
  io.log(`$ ${commandLine(command)}`);
  const result = await io.talosctl(command, { stream: (line) => io.log(`  ${line}`) });
  if (result.code !== 0) throw new Error(`talosctl reset failed: ${talos.lastLine(result.stderr)}`);
  console.log(chalk.green(wipeDisk ? `${node.name} is wiped.` : `${node.name} is back in maintenance mode; scripts/up.mjs installs it again.`));
}

function pickNode(homelab) {
  if (argv.node === undefined) {
    if (homelab.nodes.length === 1) return homelab.nodes[0];
    throw new Error(`say which node to reset with --node (${homelab.nodes.map((node) => node.name).join(", ")})`);
  }
  const node = homelab.nodes.find((candidate) => candidate.name === argv.node);
  if (!node) throw new Error(`no node named ${argv.node} in ${configPath} (nodes: ${homelab.nodes.map((n) => n.name).join(", ")})`);
  return node;
}

/** Reads one line; a closed stdin (no terminal, nothing piped) is a no. */
async function confirmed(name) {
  process.stdout.write(`Type the node name (${name}) to confirm: `);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line.trim() === name;
  }
  return false;
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
