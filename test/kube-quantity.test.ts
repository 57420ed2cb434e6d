// Quantities compared by value, as the API server stores them (canonical spelling).
import t from "tap";
import { sameQuantity } from "../lib/kube/quantity.ts";
import { containedIn } from "../lib/kube/subset.ts";

t.test("the spellings the API server canonicalises are the same quantity", async (t) => {
  for (const [a, b] of [["1024Mi", "1Gi"], ["1000m", "1"], ["0.5", "500m"], ["1e3", "1k"], ["2048Ki", "2Mi"], ["1.5Gi", "1536Mi"], ["100m", "0.1"], [".5", "500m"], ["-1", "-1000m"]]) {
    t.ok(sameQuantity(a!, b!), `${a} = ${b}`);
  }
});

t.test("different values, and texts that are not quantities, are not", async (t) => {
  for (const [a, b] of [["1Gi", "1G"], ["1024Mi", "1025Mi"], ["1k", "1Ki"], ["latest", "latest2"], ["v1.9.0", "v1.9.0"], ["", "0"], ["1Gi ", "1Gi"], ["1..0", "1"]]) {
    t.notOk(sameQuantity(a!, b!), `${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  }
});

t.test("a desired 1024Mi is contained in a live object that stores 1Gi; other strings still compare exactly", async (t) => {
  const desired = { spec: { resources: { limits: { memory: "1024Mi" } }, image: "a:1" } };
  t.ok(containedIn(desired, { spec: { resources: { limits: { memory: "1Gi" } }, image: "a:1" } }));
  t.notOk(containedIn(desired, { spec: { resources: { limits: { memory: "2Gi" } }, image: "a:1" } }));
  t.notOk(containedIn(desired, { spec: { resources: { limits: { memory: "1Gi" } }, image: "a:2" } }));
});
