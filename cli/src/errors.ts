import { FabricError } from "../../client/src/index";
import { UsageError } from "./deps";

/**
 * An error as the lines a person reads (one `error:` line, the problem's errors[], a hint on what
 * to do next) and the exit code: 2 for usage errors, 1 for everything else.
 */
export function describeError(e: unknown, where: { url?: string }): { lines: string[]; code: number } {
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

function hintFor(e: FabricError, where: { url?: string }): string | undefined {
  if (e.status === 401) return "set FABRIC_TOKEN or --token (FABRIC_PRODUCER_TOKEN or --producer-token for push)";
  if (e.status === 403) {
    const scope = e.problem?.requiredScope;
    return typeof scope === "string"
      ? `this token lacks the "${scope}" scope: use a token that holds it (FABRIC_TOKEN or --token)`
      : "this token may not do this: use one that may (FABRIC_TOKEN, FABRIC_PRODUCER_TOKEN or the flags)";
  }
  if (e.code === "network") return `is the fabric running at ${where.url ?? "FABRIC_URL"}? check FABRIC_URL or --url`;
  if (e.status === 404) return "check the id (fabric monitors list shows the monitors)";
  if (e.status === 412) return "the monitor changed since you read it: get it again, then put with its new version";
  if (e.status === 429 || e.status === 503) return "the fabric is busy: try again shortly";
  return undefined;
}
