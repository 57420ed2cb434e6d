// Node MAC addresses from `talosctl get links -o json`, which prints one JSON document per link
// (concatenated, not a list): the expected ARP owners when homelab.yaml declares no `mac`.

/** Splits concatenated JSON documents. */
export function jsonDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (char === "}" && --depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)));
  }
  return documents;
}

/** The hardware address of the named link, or of the first physical-looking link. */
export function linkMac(output: string, linkName?: string): string | undefined {
  const links = jsonDocuments(output) as { metadata?: { id?: string }; spec?: { hardwareAddr?: string; kind?: string } }[];
  const named = linkName ? links.find((link) => link.metadata?.id === linkName) : undefined;
  const physical = links.find((link) => /^(en|eth)/.test(link.metadata?.id ?? "") && !link.spec?.kind);
  const mac = (named ?? physical)?.spec?.hardwareAddr?.toLowerCase();
  return mac && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) ? mac : undefined;
}
