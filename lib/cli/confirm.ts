// Destructive actions ask first: the question names what will be destroyed, --yes answers it
// for scripts, and without a terminal to ask on (and without --yes) the answer is no.
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

export interface ConfirmIO {
  input: Readable & { isTTY?: boolean };
  write(text: string): void;
}

export interface Confirmation {
  /** What will be destroyed, one line each; printed before the question. */
  destroys: string[];
  /** What the user types to agree: a node's name, or "yes". */
  typed: string;
  /** --yes was given. */
  yes: boolean;
  /** The flag that answers it, for the refusal message. */
  flag?: string;
}

export type Answer = { confirmed: true } | { confirmed: false; why: string };

export async function confirmDestruction(request: Confirmation, io: ConfirmIO): Promise<Answer> {
  for (const line of request.destroys) io.write(`${line}\n`);
  if (request.yes) return { confirmed: true };
  if (!io.input.isTTY) {
    return { confirmed: false, why: `no terminal to ask on (stdin is not a TTY); re-run with ${request.flag ?? "--yes"} to confirm` };
  }
  io.write(`Type ${request.typed === "yes" ? "yes" : `the name (${request.typed})`} to confirm: `);
  const lines = createInterface({ input: io.input, terminal: false });
  try {
    for await (const line of lines) {
      const answer = line.trim();
      return answer === request.typed ? { confirmed: true } : { confirmed: false, why: `the answer was ${JSON.stringify(answer)}, not ${JSON.stringify(request.typed)}` };
    }
    return { confirmed: false, why: "no answer" };
  } finally {
    lines.close();
  }
}
