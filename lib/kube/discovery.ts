// Which URL serves a kind, and whether it is namespaced: from the API's discovery documents,
// cached, and re-read when a kind is missing (a CRD applied a moment ago becomes servable).
import type { KubeClient } from "./client.ts";

export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export class Discovery {
  private readonly groups = new Map<string, Promise<ResourceInfo[]>>();

  constructor(private readonly client: KubeClient) {}

  /** Undefined when the API does not serve the kind (yet). */
  async find(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ResourceInfo | undefined> {
    const cached = (await this.load(apiVersion, signal)).find((info) => info.kind === kind);
    if (cached) return cached;
    this.groups.delete(apiVersion);
    return (await this.load(apiVersion, signal)).find((info) => info.kind === kind);
  }

  forget(apiVersion: string): void {
    this.groups.delete(apiVersion);
  }

  private load(apiVersion: string, signal?: AbortSignal): Promise<ResourceInfo[]> {
    let found = this.groups.get(apiVersion);
    if (!found) {
      const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      found = this.client.getOrUndefined(path, signal).then((list) =>
        (list?.resources ?? [])
          .filter((resource: { name: string }) => !resource.name.includes("/"))
          .map((resource: { name: string; kind: string; namespaced: boolean }) => ({ apiVersion, kind: resource.kind, plural: resource.name, namespaced: resource.namespaced })),
      );
      found.catch(() => this.groups.delete(apiVersion));
      this.groups.set(apiVersion, found);
    }
    return found;
  }
}

export function collectionPath(info: ResourceInfo, namespace: string | undefined): string {
  const base = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  return info.namespaced ? `${base}/namespaces/${namespace}/${info.plural}` : `${base}/${info.plural}`;
}

export function objectPath(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return `${collectionPath(info, namespace)}/${encodeURIComponent(name)}`;
}
