// What a deploy prints: progress lines (each object once, its diff under it; counts in good
// grammar; where an entry point's address is held), and the account of a run that stopped.
import t from "tap";
import { progressReporter, summaryLines, Tally } from "../lib/cli/progress.ts";
import type { DeployEvent } from "../lib/kube/deploy.ts";

function printed(events: DeployEvent[]): string {
  let text = "";
  const report = progressReporter({ isTTY: false, write: (chunk) => (text += chunk) });
  events.forEach(report);
  return text;
}

t.test("stages count their resources in good grammar", async (t) => {
  t.equal(printed([{ type: "stage", flight: "gateway", stage: 1, stages: 2, resources: 1 }]), "gateway: stage 1/2 (1 resource)\n");
  t.equal(printed([{ type: "stage", flight: "metallb", stage: 2, stages: 2, resources: 16 }]), "metallb: stage 2/2 (16 resources)\n");
});

t.test("with --diff, an object is printed once, its changes under it", async (t) => {
  const text = printed([{ type: "resource", flight: "metallb", resource: "ConfigMap/metallb-system/x", outcome: "would change", diff: '  - data.a: "1"\n  + data.a: "2"' }]);
  t.equal(text, '  would change ConfigMap/metallb-system/x\n    - data.a: "1"\n    + data.a: "2"\n');
});

t.test("an entry point's address is reported as assigned, never as answering", async (t) => {
  const text = printed([{ type: "address", flight: "ingress-nginx", address: "10.0.0.3", holder: "Service ingress-nginx/ingress-nginx-controller" }]);
  t.equal(text, "ingress-nginx: entry point address 10.0.0.3 assigned to Service ingress-nginx/ingress-nginx-controller; `hangar doctor` checks that it answers on the LAN\n");
});

t.test("a stopped run is accounted for object by object", async (t) => {
  let now = 0;
  const tally = new Tally(() => now);
  const events: DeployEvent[] = [
    { type: "flight", flight: "metallb", state: "start" },
    { type: "resource", flight: "metallb", resource: "Namespace/_/metallb-system", outcome: "unchanged" },
    { type: "resource", flight: "metallb", resource: "CustomResourceDefinition/_/a.metallb.io", outcome: "created" },
    { type: "resource", flight: "metallb", resource: "CustomResourceDefinition/_/b.metallb.io", outcome: "unanswered" },
  ];
  events.forEach(tally.observe);
  now = 1500;
  t.same(summaryLines(tally.summaries()), ["metallb        1 created, 1 unchanged, 1 unanswered in 1.5s"]);
  t.same(tally.confirmed(), ["metallb: created CustomResourceDefinition/_/a.metallb.io", "metallb: unanswered CustomResourceDefinition/_/b.metallb.io"]);
});
