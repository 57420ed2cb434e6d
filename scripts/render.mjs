#!/usr/bin/env node
// hangar render: validate homelab.yaml and print the plan (what up --dry-run prints); with
// --out DIR also write every flight's input and output and the Talos plan. Touches nothing.
import { chalk } from "zx";
import { commandLine } from "./cli.mjs";
import { loadDeclaration } from "./talos.mjs";
import { renderAndPrint } from "./plan.mjs";

const options = await commandLine("render");

async function main() {
  const homelab = await loadDeclaration(options.config);
  await renderAndPrint(homelab, options);
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
