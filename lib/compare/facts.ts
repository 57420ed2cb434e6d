// What matters about an object, as `fact -> text`: images, args, env, ports, probes, RBAC
// permissions, webhook rules and failure policy, CRD schema fields, and the few other fields a
// cluster acts on. Two objects with equal facts behave the same; the differ compares facts,
// never raw YAML, so key order, empty leftovers and API defaults written out do not count.
import type { Resource } from "../flight/contract.ts";
import { canonical, flatten } from "./canonical.ts";
import { schemaDescriptions, schemaFields } from "./crd-schema.ts";
import { byValue } from "./embedded.ts";
import { canonicalQuantity } from "../kube/quantity.ts";

export type Facts = Map<string, string>;
type Fields = Record<string, unknown>;

const asMap = (value: unknown): Fields => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Fields) : {});
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asStrings = (value: unknown): string[] => asList(value).map(String);
const PRESENT = "yes";

export function factsOf(object: Resource): Facts {
  const facts: Facts = new Map();
  const extract = extractors[object.kind] ?? otherFacts;
  extract(object, facts);
  for (const [key, value] of Object.entries(object.metadata.labels ?? {})) facts.set(`label ${key}`, value);
  for (const [key, value] of Object.entries(object.metadata.annotations ?? {})) facts.set(`annotation ${key}`, byValue(String(value)));
  return facts;
}

/** Facts about an object's pod template: changing one makes its controller replace the pods. */
export const podTemplateFact = /^(pod |container |initContainer )/;

type Extractor = (object: Resource, facts: Facts) => void;

const workload: Extractor = (object, facts) => {
  const spec = asMap(object.spec);
  if (object.kind === "Deployment" || object.kind === "StatefulSet") facts.set("replicas", String(spec.replicas ?? 1));
  if (spec.selector) facts.set("selector", canonical(spec.selector));
  rolloutFacts(object.kind, spec, facts);
  if (object.kind === "Job") {
    facts.set("backoffLimit", String(spec.backoffLimit ?? 6));
    if (spec.ttlSecondsAfterFinished !== undefined) facts.set("ttlSecondsAfterFinished", String(spec.ttlSecondsAfterFinished));
  }
  const template = object.kind === "CronJob" ? asMap(asMap(asMap(spec.jobTemplate).spec).template) : asMap(spec.template);
  podFacts(template, facts);
};

/** How a Deployment or DaemonSet rolls and what it keeps, with the API's defaults filled in. */
function rolloutFacts(kind: string, spec: Fields, facts: Facts): void {
  const rolling = kind === "Deployment" ? { maxSurge: "25%", maxUnavailable: "25%" } : { maxSurge: 0, maxUnavailable: 1 };
  const field = kind === "Deployment" ? "strategy" : kind === "DaemonSet" ? "updateStrategy" : undefined;
  if (!field) return;
  const strategy = asMap(spec[field]);
  const type = String(strategy.type ?? "RollingUpdate");
  facts.set(field, type === "RollingUpdate" ? canonical({ type, rollingUpdate: { ...rolling, ...asMap(strategy.rollingUpdate) } }) : type);
  facts.set("revisionHistoryLimit", String(spec.revisionHistoryLimit ?? 10));
  facts.set("minReadySeconds", String(spec.minReadySeconds ?? 0));
}

const extractors: Record<string, Extractor> = {
  Deployment: workload,
  DaemonSet: workload,
  StatefulSet: workload,
  ReplicaSet: workload,
  Job: workload,
  CronJob: workload,
  // Its labels (Pod Security levels) are facts of every object.
  Namespace: () => {},
  Service: (object, facts) => {
    const { ports, clusterIP, clusterIPs, ...spec } = asMap(object.spec);
    const withDefaults = { type: "ClusterIP", sessionAffinity: "None", ...spec };
    flatten(withDefaults, "", facts);
    for (const port of asList(ports).map(asMap)) {
      const protocol = port.protocol ?? "TCP";
      const target = port.targetPort ?? port.port;
      const nodePort = port.nodePort ? ` nodePort ${port.nodePort}` : "";
      const appProtocol = port.appProtocol ? ` (${port.appProtocol})` : "";
      facts.set(`port ${port.name ?? port.port}`, `${port.port}->${target}/${protocol}${appProtocol}${nodePort}`);
    }
  },
  Role: rbacRules,
  ClusterRole: rbacRules,
  RoleBinding: binding,
  ClusterRoleBinding: binding,
  ServiceAccount: (object, facts) => {
    if (object.automountServiceAccountToken !== undefined) facts.set("automountServiceAccountToken", String(object.automountServiceAccountToken));
  },
  ConfigMap: (object, facts) => {
    for (const [key, value] of Object.entries(asMap(object.data))) facts.set(`data ${key}`, byValue(String(value)));
    for (const key of Object.keys(asMap(object.binaryData))) facts.set(`binaryData ${key}`, PRESENT);
  },
  // Values are not compared: charts and controllers generate them (certificates, keys).
  Secret: (object, facts) => {
    facts.set("type", String(object.type ?? "Opaque"));
    for (const key of [...Object.keys(asMap(object.data)), ...Object.keys(asMap(object.stringData))]) facts.set(`key ${key}`, PRESENT);
  },
  ValidatingWebhookConfiguration: webhooks,
  MutatingWebhookConfiguration: webhooks,
  CustomResourceDefinition: crd,
};

/** Anything else (custom resources, IngressClass, ...): every field but the envelope. */
function otherFacts(object: Resource, facts: Facts): void {
  const { apiVersion, kind, metadata, status, ...body } = object;
  flatten(body, "", facts);
}

function podFacts(template: Fields, facts: Facts): void {
  const metadata = asMap(template.metadata);
  for (const [key, value] of Object.entries(asMap(metadata.labels))) facts.set(`pod label ${key}`, String(value));
  for (const [key, value] of Object.entries(asMap(metadata.annotations))) facts.set(`pod annotation ${key}`, String(value));
  const { containers, initContainers, volumes, tolerations, ...pod } = asMap(template.spec);
  for (const field of ["serviceAccountName", "hostNetwork", "dnsPolicy", "nodeSelector", "securityContext", "priorityClassName", "terminationGracePeriodSeconds", "restartPolicy", "affinity"]) {
    if (pod[field] !== undefined) facts.set(`pod ${field}`, canonical(pod[field]));
  }
  for (const toleration of asList(tolerations)) facts.set(`pod toleration ${canonical(toleration)}`, PRESENT);
  for (const volume of asList(volumes).map(asMap)) facts.set(`pod volume ${volume.name}`, canonical(withoutDefaultMode(volume)));
  for (const container of asList(initContainers).map(asMap)) containerFacts(`initContainer ${container.name}`, container, facts);
  for (const container of asList(containers).map(asMap)) containerFacts(`container ${container.name}`, container, facts);
}

/** 0644 (420) is what the API server fills in for secret and configMap volumes. */
function withoutDefaultMode(volume: Fields): Fields {
  const copy: Fields = { ...volume };
  for (const source of ["secret", "configMap"]) {
    const { defaultMode, ...rest } = asMap(copy[source]);
    if (copy[source] !== undefined) copy[source] = defaultMode === 420 ? rest : asMap(copy[source]);
  }
  return copy;
}

function containerFacts(prefix: string, container: Fields, facts: Facts): void {
  facts.set(`${prefix}: image`, String(container.image));
  if (container.command !== undefined) facts.set(`${prefix}: command`, canonical(container.command));
  argFacts(prefix, asStrings(container.args), facts);
  for (const env of asList(container.env).map(asMap)) {
    facts.set(`${prefix}: env ${env.name}`, env.value !== undefined ? String(env.value) : canonical(env.valueFrom));
  }
  if (container.envFrom !== undefined) facts.set(`${prefix}: envFrom`, canonical(container.envFrom));
  for (const port of asList(container.ports).map(asMap)) {
    const host = port.hostPort ? ` hostPort ${port.hostPort}` : "";
    facts.set(`${prefix}: port ${port.name ?? port.containerPort}`, `${port.containerPort}/${port.protocol ?? "TCP"}${host}`);
  }
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    if (container[probe] !== undefined) facts.set(`${prefix}: ${probe}`, canonical(container[probe]));
  }
  for (const field of ["securityContext", "lifecycle", "workingDir"]) {
    if (container[field] !== undefined) facts.set(`${prefix}: ${field}`, canonical(container[field]));
  }
  if (container.resources !== undefined) facts.set(`${prefix}: resources`, canonical(storedResources(asMap(container.resources))));
  for (const mount of asList(container.volumeMounts).map(asMap)) {
    const { mountPath, ...rest } = mount;
    facts.set(`${prefix}: mount ${mountPath}`, canonical(rest));
  }
}

/** Quantities as the API server stores them (`1024Mi` is `1Gi`): the same value is the same fact. */
function storedResources(resources: Fields): Fields {
  const stored = (list: unknown) => Object.fromEntries(Object.entries(asMap(list)).map(([name, value]) => [name, canonicalQuantity(String(value)) ?? value]));
  return Object.fromEntries(Object.entries(resources).map(([key, value]) => [key, key === "limits" || key === "requests" ? stored(value) : value]));
}

/** Flags by name (`--log-level` -> `info`), so a changed value reads as one change. */
function argFacts(prefix: string, args: string[], facts: Facts): void {
  const flags = new Map<string, string[]>();
  let position = 0;
  for (const arg of args) {
    if (!arg.startsWith("-")) {
      facts.set(`${prefix}: arg #${position++}`, arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const [flag, value] = equals < 0 ? [arg, "(set)"] : [arg.slice(0, equals), arg.slice(equals + 1)];
    flags.set(flag, [...(flags.get(flag) ?? []), value]);
  }
  for (const [flag, values] of flags) facts.set(`${prefix}: arg ${flag}`, values.join(" | "));
}

/** One fact per permission (verb on resource[/name] in group), however the rules group them. */
function rbacRules(object: Resource, facts: Facts): void {
  for (const rule of asList(object.rules).map(asMap)) {
    const verbs = asStrings(rule.verbs);
    for (const url of asStrings(rule.nonResourceURLs)) for (const verb of verbs) facts.set(`allow ${verb} ${url}`, PRESENT);
    const names = asStrings(rule.resourceNames);
    for (const group of asStrings(rule.apiGroups)) {
      for (const resource of asStrings(rule.resources)) {
        const qualified = group ? `${resource}.${group}` : resource;
        for (const verb of verbs) {
          if (names.length === 0) facts.set(`allow ${verb} ${qualified}`, PRESENT);
          for (const name of names) facts.set(`allow ${verb} ${qualified}/${name}`, PRESENT);
        }
      }
    }
  }
}

function binding(object: Resource, facts: Facts): void {
  const roleRef = asMap(object.roleRef);
  facts.set("roleRef", `${roleRef.kind} ${roleRef.name}`);
  for (const subject of asList(object.subjects).map(asMap)) {
    const namespace = subject.namespace ?? (subject.kind === "ServiceAccount" ? object.metadata.namespace : undefined);
    facts.set(`subject ${subject.kind} ${namespace ? `${namespace}/` : ""}${subject.name}`, PRESENT);
  }
}

function webhooks(object: Resource, facts: Facts): void {
  const mutating = object.kind === "MutatingWebhookConfiguration";
  for (const hook of asList(object.webhooks).map(asMap)) {
    const prefix = `webhook ${hook.name}`;
    facts.set(`${prefix}: failurePolicy`, String(hook.failurePolicy ?? "Fail"));
    facts.set(`${prefix}: matchPolicy`, String(hook.matchPolicy ?? "Equivalent"));
    facts.set(`${prefix}: sideEffects`, String(hook.sideEffects));
    facts.set(`${prefix}: timeoutSeconds`, String(hook.timeoutSeconds ?? 10));
    facts.set(`${prefix}: admissionReviewVersions`, asStrings(hook.admissionReviewVersions).sort().join(", "));
    if (mutating) facts.set(`${prefix}: reinvocationPolicy`, String(hook.reinvocationPolicy ?? "Never"));
    // The caBundle is injected at run time by a controller or a certgen job: not compared.
    const { caBundle, service, ...client } = asMap(hook.clientConfig);
    if (service !== undefined) {
      const { namespace, name, path, port } = asMap(service);
      facts.set(`${prefix}: service`, `${namespace}/${name}:${port ?? 443}${path ?? ""}`);
    }
    flatten(client, `${prefix}: clientConfig`, facts);
    for (const field of ["namespaceSelector", "objectSelector", "matchConditions"]) {
      if (hook[field] !== undefined) flatten(hook[field], `${prefix}: ${field}`, facts);
    }
    for (const rule of asList(hook.rules).map(asMap)) {
      const scope = rule.scope ?? "*";
      for (const operation of asStrings(rule.operations)) {
        for (const group of asStrings(rule.apiGroups)) {
          for (const version of asStrings(rule.apiVersions)) {
            for (const resource of asStrings(rule.resources)) {
              facts.set(`${prefix}: rule ${operation} ${group || "core"}/${version}/${resource} (scope ${scope})`, PRESENT);
            }
          }
        }
      }
    }
  }
}

function crd(object: Resource, facts: Facts): void {
  const spec = asMap(object.spec);
  facts.set("group", String(spec.group));
  facts.set("scope", String(spec.scope));
  flatten(spec.names, "names", facts);
  const { webhook, ...conversion } = asMap(spec.conversion);
  flatten(conversion, "conversion", facts);
  if (webhook !== undefined) {
    const { caBundle, ...client } = asMap(asMap(webhook).clientConfig);
    flatten({ ...asMap(webhook), clientConfig: client }, "conversion.webhook", facts);
  }
  for (const version of asList(spec.versions).map(asMap)) {
    const prefix = `version ${version.name}`;
    facts.set(`${prefix}: served`, String(version.served));
    facts.set(`${prefix}: storage`, String(version.storage));
    if (version.deprecated !== undefined) facts.set(`${prefix}: deprecated`, String(version.deprecated));
    if (version.subresources !== undefined) facts.set(`${prefix}: subresources`, canonical(version.subresources));
    const schema = asMap(version.schema).openAPIV3Schema;
    for (const [path, type] of schemaFields(schema)) facts.set(`${prefix}: field ${path}`, type);
    for (const [path, text] of schemaDescriptions(schema)) facts.set(`${prefix}: description ${path}`, text);
  }
}
