// What kube-controller-manager records when a workload's pod template changes, the evidence of a
// restart: the Deployment controller creates a ReplicaSet `<name>-<hash>` for every template it
// has not seen (matching existing ones while ignoring their pod-template-hash label), and the
// DaemonSet controller a ControllerRevision holding the template with the next revision number.
// Hashes are FNV-32a of the template, spelled with Kubernetes' SafeEncodeString alphabet.
import type { Engine } from "./engine.ts";
import type { Entry } from "./store.ts";
import { clone, equal, type Json } from "./apply.ts";

const alphabet = "bcdfghjklmnpqrstvwxz2456789";

function templateHash(template: Json): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(template))) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return [...String(hash)].map((char) => alphabet[char.charCodeAt(0) % alphabet.length]).join("");
}

const ownedBy = (object: Json, owner: Json) => (object.metadata.ownerReferences ?? []).some((ref: Json) => ref.uid === owner.metadata.uid);

function ownerReference(owner: Json): Json {
  return { apiVersion: "apps/v1", kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function withoutHash(template: Json): Json {
  const copy = clone(template);
  delete copy?.metadata?.labels?.["pod-template-hash"];
  return copy;
}

export function recordRevision(engine: Engine, workload: Entry): void {
  const { object } = workload;
  const namespace = object.metadata.namespace;
  const template = object.spec?.template;
  if (!template) return;
  const kindName = object.kind === "Deployment" ? "ReplicaSet" : "ControllerRevision";
  const kind = engine.kinds.byKind("apps/v1", kindName)!;
  const owned = engine.store.list(kind, namespace).filter((entry) => ownedBy(entry.object, object));
  const hash = templateHash(template);
  const manager = "kube-controller-manager";
  if (object.kind === "Deployment") {
    if (owned.some((entry) => equal(withoutHash(entry.object.spec.template), template))) return;
    const labels = { ...template.metadata?.labels, "pod-template-hash": hash };
    const replicaSet = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: `${object.metadata.name}-${hash}`, namespace, labels, ownerReferences: [ownerReference(object)] },
      spec: {
        replicas: object.spec.replicas ?? 1,
        selector: { matchLabels: { ...object.spec.selector?.matchLabels, "pod-template-hash": hash } },
        template: { ...clone(template), metadata: { ...clone(template.metadata), labels } },
      },
    };
    engine.update(kind, namespace, replicaSet.metadata.name, replicaSet, manager, false);
    return;
  }
  if (owned.some((entry) => equal(entry.object.data?.spec?.template, template))) return;
  const revision = Math.max(0, ...owned.map((entry) => entry.object.revision)) + 1;
  const controllerRevision = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: { name: `${object.metadata.name}-${hash}`, namespace, labels: { ...object.spec.selector?.matchLabels, "controller-revision-hash": hash }, ownerReferences: [ownerReference(object)] },
    data: { spec: { template: clone(template) } },
    revision,
  };
  engine.update(kind, namespace, controllerRevision.metadata.name, controllerRevision, manager, false);
}
