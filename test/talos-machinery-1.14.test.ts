// The v1.14 contract on real Talos machinery v1.14.1 (talos-machinery-1.14, the newest v1.14
// release the Go module proxy serves) and on the fake talosctl playing v1.14.1: every
// configuration hangar produces is valid for both, and the install settings are optional from
// 1.14 on (required before). What real Talos 1.14 rejects: test/talos-machinery-1.14-refusals.test.ts.
import t from "tap";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exampleHomelab, extensionsHomelab, haHomelab } from "./doubles/fake-talosctl/declarations.ts";
import { acceptsAll, type Case, runner, validationCount } from "./helpers/talos-verdicts.ts";

// Dozens of real and fake talosctl runs: more than the default file timeout on a loaded machine.
t.setTimeout(600_000);

const good: Case[] = [
  { name: "example, v1.14 contract", homelab: exampleHomelab(), contract: "v1.14" },
  { name: "three control planes, VIP, workers, v1.14 contract", homelab: haHomelab(), contract: "v1.14" },
  { name: "extensions (zfs module, tailscale service), v1.14 contract", homelab: extensionsHomelab(), contract: "v1.14" },
];

t.test("every configuration hangar produces for the v1.14 contract is valid for real Talos 1.14, and for the fake", (t) => acceptsAll(t, good));

t.test("install settings: optional from Talos 1.14 on (no UnattendedInstallConfig at all is valid), required before", async (t) => {
  const cases = [
    { contract: "v1.14", drop: (docs: string[]) => docs.filter((doc) => !/^kind: UnattendedInstallConfig$/m.test(doc)), valid: true },
    { contract: "v1.13", drop: (docs: string[]) => docs.map((doc) => doc.replace(/^ {4}install:\n(?: {8}.*\n)+/m, "")), valid: false },
  ] as const;
  for (const c of cases) {
    const dir = t.testdir();
    const { real: realRun, fake: fakeRun } = runner(dir, c.contract);
    realRun("gen", "secrets", "-o", "secrets.yaml", "--talos-version", c.contract);
    const gen = realRun("gen", "config", "home", "https://10.0.0.10:6443", "--with-secrets", "secrets.yaml", "--talos-version", c.contract, "--with-docs=false", "--with-examples=false", "-t", "controlplane", "-o", "generated.yaml");
    t.equal(gen.status, 0, `${c.contract}: real gen config`, { stderr: gen.stderr });
    const text = readFileSync(join(dir, "generated.yaml"), "utf8");
    const without = c.drop(text.split(/^---\n/m)).join("---\n");
    t.not(without, text, `${c.contract}: the install settings are taken out`);
    writeFileSync(join(dir, "no-install.yaml"), without);
    const real = realRun("validate", "--config", "no-install.yaml", "--mode", "metal");
    const fake = fakeRun("validate", "--config", "no-install.yaml", "--mode", "metal");
    t.equal(real.status === 0, c.valid, `${c.contract}: real Talos ${c.valid ? "accepts" : "refuses"} it`, { stderr: real.stderr });
    t.equal(fake.status, real.status, `${c.contract}: the fake agrees`, { real: real.stderr, fake: fake.stderr });
    if (!c.valid) {
      const says = 'install instructions are required in "metal" mode';
      t.ok(real.stderr.includes(says) && fake.stderr.includes(says), `${c.contract}: both say ${says}`, { real: real.stderr, fake: fake.stderr });
    }
  }
});

t.teardown(() => console.log(`# ${validationCount()} validate runs (real and fake) over ${good.length + 2} cases`));
