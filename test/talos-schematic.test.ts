// Schematic IDs computed offline must equal the Image Factory's: the vectors are the factory's
// own test cases, the docs' worked example, and the vanilla ID Talos 1.14 hard-codes.
import t from "tap";
import { installerImage, isoUrl, nodeSchematic, renderSchematic, vanillaSchematicId } from "../lib/talos/schematic.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { edit } from "./helpers/example.ts";
import { exampleHomelab, extensionsText } from "./doubles/fake-talosctl/declarations.ts";

t.test("known vectors", async (t) => {
  const vanilla = renderSchematic({ extraKernelArgs: [], officialExtensions: [] });
  t.equal(vanilla.yaml, "customization: {}\n");
  t.equal(vanilla.id, "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba");
  t.equal(vanilla.id, vanillaSchematicId);

  const kernelArgs = renderSchematic({ extraKernelArgs: ["noapic", "nolapic"], officialExtensions: [] });
  t.equal(kernelArgs.yaml, "customization:\n    extraKernelArgs:\n        - noapic\n        - nolapic\n");
  t.match(kernelArgs.id, /^9cba8e32[0-9a-f]{52}a06c$/, "the factory's schematic_test.go vector (prefix and suffix as published)");

  const docs = renderSchematic({ extraKernelArgs: ["net.ifnames=0"], officialExtensions: ["siderolabs/gvisor", "siderolabs/intel-ucode"] });
  t.equal(docs.id, "b8e8fbbe1b520989e6c52c8dc8303070cb42095997e76e812fa8892393e1d176", "the boot-assets docs example");

  const zfsTailscale = renderSchematic({ extraKernelArgs: [], officialExtensions: ["siderolabs/tailscale", "siderolabs/zfs"] });
  t.equal(zfsTailscale.id, "b7edb7621e11303475899d64c98604fb5fa2f4cc0ae37278671b974b33be8681");
});

t.test("a node's schematic: extensions sorted, kernel args kept in order", async (t) => {
  const shuffled = parseHomelab(
    edit(extensionsText, "    - siderolabs/i915\n    - siderolabs/intel-ucode", "    - siderolabs/intel-ucode\n    - siderolabs/i915")
      .replace("  extensions:", "  extraKernelArgs: [net.ifnames=0, i915.enable_guc=3]\n  extensions:")
      // With net.ifnames=0 the link is eth0 (a predictable name beside it is refused).
      .replace("interface: enp1s0", "interface: eth0"),
    "homelab.yaml",
  ).homelab;
  const schematic = nodeSchematic(shuffled, shuffled.nodes[0]!);
  t.equal(
    schematic.yaml,
    [
      "customization:",
      "    extraKernelArgs:",
      "        - net.ifnames=0",
      "        - i915.enable_guc=3",
      "    systemExtensions:",
      "        officialExtensions:",
      "            - siderolabs/i915",
      "            - siderolabs/intel-ucode",
      "            - siderolabs/tailscale",
      "            - siderolabs/zfs",
      "",
    ].join("\n"),
  );
  t.not(schematic.id, nodeSchematic(exampleHomelab(), exampleHomelab().nodes[0]!).id);
});

t.test("words a YAML 1.1 reader takes for booleans are quoted exactly as gopkg.in/yaml.v3 quotes them", async (t) => {
  // Expected bytes: yaml.v3 v3.0.1 Marshal of the factory's struct shape with these arguments
  // (run with Go 1.26 while writing this test): double quotes for old booleans and bool/null
  // words, case-exact ("oN" stays plain), single quotes for a trailing colon.
  const args = ["on", "off", "yes", "Yes", "oN", "true", "True", "null", "NULL", "y", "n", "No", "quiet", "a:", "console=ttyS0"];
  t.equal(
    renderSchematic({ extraKernelArgs: args, officialExtensions: [] }).yaml,
    [
      "customization:",
      "    extraKernelArgs:",
      '        - "on"',
      '        - "off"',
      '        - "yes"',
      '        - "Yes"',
      "        - oN",
      '        - "true"',
      '        - "True"',
      '        - "null"',
      '        - "NULL"',
      '        - "y"',
      '        - "n"',
      '        - "No"',
      "        - quiet",
      "        - 'a:'",
      "        - console=ttyS0",
      "",
    ].join("\n"),
  );
});

t.test("installer and boot media references", async (t) => {
  t.equal(installerImage(vanillaSchematicId, "v1.13.9"), `factory.talos.dev/metal-installer/${vanillaSchematicId}:v1.13.9`);
  t.equal(isoUrl(vanillaSchematicId, "v1.13.9"), `https://factory.talos.dev/image/${vanillaSchematicId}/v1.13.9/metal-amd64.iso`);
});
