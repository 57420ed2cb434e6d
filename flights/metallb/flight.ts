// MetalLB v0.16.1 in L2 mode without FRR, as its Helm chart 0.16.1 renders it. Stage 1: the namespace (Pod Security privileged: the
// speaker needs hostNetwork and NET_RAW) and the CRDs; stage 2: everything that uses them.
import type { Flight, Resource, Stages } from "../../lib/flight/contract.ts";
import { Fields } from "../../lib/flight/fields.ts";
import type { V1Toleration } from "@kubernetes/client-node";
import { crds } from "./crds.ts";
import { rbac } from "./rbac.ts";
import { controller, speaker, supportObjects } from "./workloads.ts";
import { webhookConfiguration } from "./webhook.ts";

export interface MetallbInput {
  logLevel: string;
  /** Talos labels control planes to be excluded from load balancers; the speaker can ignore that. */
  announceFromControlPlanes: boolean;
  speaker: { nodeSelector: Record<string, string>; tolerations: V1Toleration[] };
  controller: { nodeSelector: Record<string, string> };
}

const logLevels = ["all", "debug", "info", "warn", "error", "none"];

function readToleration(fields: Fields): V1Toleration {
  const key = fields.optionalString("key");
  const operator = fields.string("operator", { default: "Equal", oneOf: ["Exists", "Equal"] });
  const value = fields.optionalString("value");
  const effect = fields.optionalString("effect", { oneOf: ["NoSchedule", "PreferNoSchedule", "NoExecute"] });
  const seconds = fields.has("tolerationSeconds") ? fields.integer("tolerationSeconds", 0, 0) : undefined;
  return {
    ...(key !== undefined && { key }),
    operator,
    ...(value !== undefined && { value }),
    ...(effect !== undefined && { effect }),
    ...(seconds !== undefined && { tolerationSeconds: seconds }),
  };
}

function parse(raw: unknown): MetallbInput {
  const root = Fields.root(raw);
  const speakerFields = root.object("speaker");
  const controllerFields = root.object("controller");
  const input: MetallbInput = {
    logLevel: root.string("logLevel", { default: "info", oneOf: logLevels }),
    announceFromControlPlanes: root.boolean("announceFromControlPlanes", false),
    speaker: {
      nodeSelector: speakerFields.stringMap("nodeSelector"),
      tolerations: speakerFields.objects("tolerations", readToleration),
    },
    controller: { nodeSelector: controllerFields.stringMap("nodeSelector") },
  };
  speakerFields.done();
  controllerFields.done();
  root.done();
  return input;
}

function render(input: MetallbInput, release: { namespace: string }): Stages {
  const { namespace } = release;
  const privileged = Object.fromEntries(
    ["audit", "enforce", "warn"].map((mode) => [`pod-security.kubernetes.io/${mode}`, "privileged"]),
  );
  const namespaceObject: Resource = { apiVersion: "v1", kind: "Namespace", metadata: { labels: privileged, name: namespace } };
  const options = {
    namespace,
    logLevel: input.logLevel,
    ignoreExcludeLB: input.announceFromControlPlanes,
    speakerNodeSelector: input.speaker.nodeSelector,
    speakerTolerations: input.speaker.tolerations,
    controllerNodeSelector: input.controller.nodeSelector,
  };
  return [
    [namespaceObject, ...crds(namespace)],
    [...rbac(namespace), ...supportObjects(namespace), speaker(options), controller(options), webhookConfiguration(namespace)],
  ];
}

export const metallb: Flight<MetallbInput> = {
  name: "metallb",
  namespace: "metallb-system",
  needs: [],
  parse,
  render,
};
