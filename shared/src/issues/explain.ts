import type { z } from "zod";
import { NOT_A_NUMBER, shown } from "./wording";

/**
 * A zod error as the mistakes a person made, each at its real path. A union that fails as a whole
 * (the predicate's `all | any | not | condition`) is resolved to the alternative the input was
 * aiming at: the one that knows some of its keys and found nothing wrong with the value itself.
 * Only when no alternative fits does the union's own message ("expected {all}, {any}, {not} or a
 * condition; got keys "and"") stand. An unknown key that names a missing one ("did you mean
 * "op"?") replaces the missing-key issue, so the fix is said once.
 *
 * @example explainIssues(MonitorBodySchema.safeParse(body).error.issues, body)
 * // [{ path: ["predicate", "all", 0], message: 'unknown key "operator"; did you mean "op"?' }]
 */
export type ExplainedIssue = { path: PropertyKey[]; message: string };

export function explainIssues(issues: readonly z.core.$ZodIssue[], input: unknown): ExplainedIssue[] {
  const flat = flatten(issues, [], input);
  const suggested = new Set<string>();
  for (const i of flat) {
    if (i.code !== "unrecognized_keys") continue;
    for (const m of i.message.matchAll(/did you mean "([^"]+)"\?/g)) suggested.add(key([...i.path, m[1] ?? ""]));
  }
  return flat
    .filter((i) => !(suggested.has(key(i.path)) && valueAt(input, i.path) === undefined))
    .map(({ path, message }) => ({ path, message }));
}

type Flat = { path: PropertyKey[]; message: string; code: string };

function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[], input: unknown): Flat[] {
  return issues.flatMap((issue): Flat[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const chosen = bestAlternative(issue.errors, valueAt(input, path));
      if (chosen) return flatten(chosen, path, input);
    }
    // A coerced query parameter reaches zod as NaN; the text that was sent says more.
    const sent = valueAt(input, path);
    const message = typeof sent === "string" ? issue.message.replace(NOT_A_NUMBER, shown(sent)) : issue.message;
    return [{ path, message, code: issue.code }];
  });
}

/**
 * The alternative the value was meant for. An object fits an alternative that flagged no issue at
 * the value itself other than unknown keys, and knows at least one of its keys (the most wins);
 * anything else fits an alternative with no issue at the value itself (an array that is a tuple
 * with one bad element). Ties go to the alternative with fewer issues.
 */
function bestAlternative(alternatives: z.core.$ZodIssue[][], value: unknown): z.core.$ZodIssue[] | undefined {
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  let best: { issues: z.core.$ZodIssue[]; known: number } | undefined;
  for (const issues of alternatives) {
    const atRoot = issues.filter((i) => i.path.length === 0);
    let known = 0;
    if (isObject) {
      if (atRoot.some((i) => i.code !== "unrecognized_keys")) continue;
      const unknown = new Set(atRoot.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : [])));
      known = Object.keys(value).filter((k) => !unknown.has(k)).length;
      if (known === 0) continue;
    } else if (atRoot.length > 0) continue;
    if (!best || known > best.known || (known === best.known && issues.length < best.issues.length)) {
      best = { issues, known };
    }
  }
  return best?.issues;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

const key = (path: PropertyKey[]) => JSON.stringify(path.map(String));
