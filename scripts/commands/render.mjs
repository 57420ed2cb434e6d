// hangar render: validate homelab.yaml and print the plan (what up --dry-run prints); with
// --out DIR also write every flight's input and output and the Talos plan. Touches nothing.
import { loadDeclaration } from "./declaration.mjs";
import { renderAndPrint } from "./plan.mjs";

export function run(options) {
  renderAndPrint(loadDeclaration(options.config), options);
}
