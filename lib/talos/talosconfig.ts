// The talosconfig's client certificate: valid for one year from gen config
// (TalosAPIDefaultCertificateValidityDuration, pkg/machinery/constants). After that every call
// fails at the TLS layer, so hangar renews it from the secrets bundle well before.
import { X509Certificate } from "node:crypto";
import { parse } from "yaml";

export const renewWithinDays = 30;
const dayMs = 24 * 60 * 60_000;

/** notAfter of the current context's client certificate, or undefined when it cannot be read. */
export function clientCertificateExpiry(talosconfig: string): Date | undefined {
  try {
    const config = parse(talosconfig) as { context?: string; contexts?: Record<string, { crt?: string }> };
    const crt = config.contexts?.[config.context ?? ""]?.crt;
    if (!crt) return undefined;
    return new Date(new X509Certificate(Buffer.from(crt, "base64")).validTo);
  } catch {
    return undefined;
  }
}

export type CertificateState = { state: "valid"; days: number } | { state: "renew"; days: number; expired: boolean } | { state: "unknown" };

export function certificateState(expiry: Date | undefined, now: number): CertificateState {
  if (!expiry) return { state: "unknown" };
  const days = Math.floor((expiry.getTime() - now) / dayMs);
  if (expiry.getTime() <= now) return { state: "renew", days, expired: true };
  return days < renewWithinDays ? { state: "renew", days, expired: false } : { state: "valid", days };
}
