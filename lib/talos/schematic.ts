// Image Factory schematics, computed offline: the factory names a schematic by the sha256 of
// its canonical YAML (go-yaml output of its Go struct: struct field order, 4-space indents,
// list items indented under their key, `customization: {}` when empty), so the same bytes give
// the same ID here, on the factory and in talhelper.
import { createHash } from "node:crypto";
import type { Homelab, HomelabNode } from "../homelab/schema.ts";

export const imageFactory = "factory.talos.dev";

/** The vanilla schematic (no extensions, no kernel arguments). */
export const vanillaSchematicId = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";

export interface Schematic {
  extraKernelArgs: readonly string[];
  officialExtensions: readonly string[];
}

export interface RenderedSchematic {
  yaml: string;
  id: string;
}

export function renderSchematic(schematic: Schematic): RenderedSchematic {
  const lines: string[] = [];
  const list = (key: string, values: readonly string[], indent: string) => {
    if (values.length === 0) return;
    lines.push(`${indent}${key}:`);
    for (const value of values) lines.push(`${indent}    - ${scalar(value)}`);
  };
  list("extraKernelArgs", schematic.extraKernelArgs, "    ");
  if (schematic.officialExtensions.length > 0) {
    lines.push("    systemExtensions:");
    list("officialExtensions", schematic.officialExtensions, "        ");
  }
  const yaml = lines.length === 0 ? "customization: {}\n" : ["customization:", ...lines].join("\n") + "\n";
  return { yaml, id: createHash("sha256").update(yaml).digest("hex") };
}

/** The extensions a node runs: its own list when declared, else the cluster's. */
export function nodeExtensions(homelab: Homelab, node: HomelabNode): string[] {
  return [...(node.extensions ?? homelab.cluster.extensions ?? [])];
}

/** A node's schematic. Extensions are sorted, as the factory's web UI does, so declaration order never changes the ID. */
export function nodeSchematic(homelab: Homelab, node: HomelabNode): RenderedSchematic {
  return renderSchematic({
    extraKernelArgs: homelab.cluster.extraKernelArgs ?? [],
    officialExtensions: nodeExtensions(homelab, node).sort(),
  });
}

export function installerImage(schematicId: string, talosVersion: string): string {
  return `${imageFactory}/metal-installer/${schematicId}:${talosVersion}`;
}

/** Where the matching boot ISO is downloaded (the node must boot the same schematic it installs). */
export function isoUrl(schematicId: string, talosVersion: string): string {
  return `https://${imageFactory}/image/${schematicId}/${talosVersion}/metal-amd64.iso`;
}

// What gopkg.in/yaml.v3 (the factory's encoder) does with a plain-looking string: words a YAML
// 1.1 reader takes for booleans (isOldBool: exact spellings only, so "oN" stays plain) and words
// that resolve to bool or null are double-quoted; a string that cannot be plain (a trailing
// colon would read as a mapping key) is single-quoted by the emitter. The schema's pattern rules
// out everything else (leading digits, spaces, indicators).
const oldBools = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
const resolvesToNonString = new Set(["true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~"]);

export function scalar(value: string): string {
  if (oldBools.has(value) || resolvesToNonString.has(value)) return `"${value}"`;
  if (value.endsWith(":")) return `'${value.replace(/'/g, "''")}'`;
  return value;
}
