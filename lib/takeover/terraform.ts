// What Terraform must forget once hangar owns the objects: `terraform state rm` for each Helm
// release (a helm_release resource) and each object Terraform applied itself (a
// kubernetes_manifest, field manager "Terraform"). Addresses belong to the user's configuration:
// given ones are used as they are, the others are printed as a template to fill in.
import type { TakeoverPlan } from "./plan.ts";

export interface TerraformLine {
  address: string;
  /** The address was guessed from the release or object name: check it against `terraform state list`. */
  guessed: boolean;
  what: string;
}

/** `--terraform metallb=helm_release.metallb` style pairs: a Helm release name or an object id. */
export type TerraformAddresses = Readonly<Record<string, string>>;

const resourceName = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, "_");

export function terraformLines(plan: TakeoverPlan, addresses: TerraformAddresses): TerraformLine[] {
  const lines: TerraformLine[] = [];
  for (const release of plan.releases) {
    const given = addresses[release.name] ?? addresses[`${release.namespace}/${release.name}`];
    lines.push({ address: given ?? `helm_release.${resourceName(release.name)}`, guessed: !given, what: `Helm release ${release.namespace}/${release.name}` });
  }
  for (const object of plan.objects) {
    if (object.owner?.type !== "manual" || !object.owner.managers.includes("Terraform")) continue;
    const given = addresses[object.id];
    const name = object.id.split("/").slice(-1)[0]!;
    lines.push({ address: given ?? `kubernetes_manifest.${resourceName(`${object.id.split("/")[0]!.toLowerCase()}_${name}`)}`, guessed: !given, what: object.id });
  }
  return lines;
}

/** Shell lines, quoted for addresses with indexes such as helm_release.addons["metallb"]. */
export function terraformCommands(lines: readonly TerraformLine[]): string[] {
  return lines.map((line) => `terraform state rm '${line.address}'   # ${line.what}${line.guessed ? " (address guessed: check `terraform state list`)" : ""}`);
}
