import { FabricError } from "../../client/src/index";
import { UsageError } from "./deps";

/** What the failed command was doing, so the hint names the right variable and the right list. */
export type ErrorContext = {
  url?: string;
  /** The command's words, e.g. "dead-letters replay". */
  command?: string;
  /** Which token the request carried: pushes fall back to the admin token when no producer token is set. */
  token?: "admin" | "producer" | "admin-as-producer";
};

/**
 * An error as the lines a person reads (one `error:` line, the problem's errors[], a hint on what
 * to do next) and the exit code: 2 for usage errors, 1 for everything else.
 */
export function describeError(e: unknown, where: ErrorContext): { lines: string[]; code: number } {
  if (e instanceof UsageError) return { lines: [`error: ${e.message}`], code: 2 };
  if (e instanceof FabricError) {
    const lines = [`error: ${e.title}${e.detail ? `: ${e.detail}` : ""}`];
    for (const i of e.errors) lines.push(`  ${i.path || "(body)"}: ${i.message}`);
    if (e.pushed) {
      const p = e.pushed;
      lines.push(
        `pushed ${p.accepted + p.duplicates} facts (${p.accepted} accepted, ${p.duplicates} duplicates) in ${p.requestsSent} of ${p.requests} requests before this failure`,
      );
    }
    const hint = hintFor(e, where);
    if (hint) lines.push(`hint: ${hint}`);
    return { lines, code: 1 };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { lines: [`error: ${message}`], code: 1 };
}

function hintFor(e: FabricError, where: ErrorContext): string | undefined {
  if (e.status === 401) return unauthorizedHint(e, where);
  if (e.status === 403) {
    const scope = e.problem?.requiredScope;
    return typeof scope === "string"
      ? `this token lacks the "${scope}" scope: use a token that holds it (FABRIC_TOKEN or --token)`
      : "this token may not do this: use one that may (FABRIC_TOKEN, FABRIC_PRODUCER_TOKEN or the flags)";
  }
  if (e.code === "network") return `is the fabric running at ${where.url ?? "FABRIC_URL"}? check FABRIC_URL or --url`;
  if (e.code === "timeout") {
    return `the fabric at ${where.url ?? "FABRIC_URL"} did not answer in time: check it is up, or allow longer with --timeout <seconds> (FABRIC_TIMEOUT)`;
  }
  if (e.status === 404) return notFoundHint(e, where);
  if (e.status === 412) return "the monitor changed since you read it: get it again, then put with its new version";
  if (e.status === 429 || e.status === 503) return "the fabric is busy: try again shortly";
  return undefined;
}

function unauthorizedHint(e: FabricError, where: ErrorContext): string {
  const reason = e.problem?.reason;
  if (typeof reason === "string" && reason.startsWith("signature_")) {
    return "this producer signs its pushes: set FABRIC_SIGNING_SECRET or --signing-secret to its signing secret";
  }
  if (where.token === "admin-as-producer") {
    return "pushes need a producer token, and FABRIC_TOKEN is an admin one: set FABRIC_PRODUCER_TOKEN or --producer-token";
  }
  if (where.token === "producer") {
    return "set FABRIC_PRODUCER_TOKEN or --producer-token to a producer token the fabric knows";
  }
  return "set FABRIC_TOKEN or --token to an admin token the fabric knows";
}

function notFoundHint(e: FabricError, where: ErrorContext): string {
  // The fabric's answer for a path it has no route for: the URL has a path the fabric does not expect.
  if (e.detail.startsWith("No route for")) {
    return `check FABRIC_URL or --url (${where.url ?? "unset"}): give the fabric's origin only, e.g. http://127.0.0.1:8787`;
  }
  if (where.command?.startsWith("dead-letters")) return "check the id (fabric dlq list <queue> shows the dead letters)";
  return "check the id (fabric monitors list shows the monitors)";
}
