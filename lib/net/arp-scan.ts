// Reading arp-scan's --plain output: one line per answer, duplicates included, which is what
// catches a second device answering for an address.

export interface ArpAnswer {
  ip: string;
  mac: string;
}

const answerLine = /^(\d{1,3}(?:\.\d{1,3}){3})\s+([0-9a-f]{2}(?::[0-9a-f]{2}){5})\b/i;

export function parseArpScan(output: string): ArpAnswer[] {
  return output
    .split("\n")
    .map((line) => answerLine.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ ip: match[1]!, mac: match[2]!.toLowerCase() }));
}

/**
 * The arp-scan command line that probes the given addresses on one interface. arp-scan stops as
 * soon as every address has answered once, so a slower second answer is lost (MetalLB's speaker
 * answers from user space, after the kernel of a rival device): `unanswered`, an address nobody
 * answers for (the subnet's network address), keeps it listening through all its retries.
 */
export function arpScanArgs(iface: string | undefined, addresses: readonly string[], unanswered?: string): string[] {
  return ["--plain", ...(iface ? [`--interface=${iface}`] : []), "--retry=3", "--timeout=300", ...addresses, ...(unanswered ? [unanswered] : [])];
}
