import { z } from "zod";
import { explainIssues } from "./issues/explain";
import { fixItMessage } from "./issues/wording";

// Every parse in every Worker words its issues as fixes (expected what, got what, did you mean):
// each Worker's error handling imports this module, so the map is in place before any request.
z.config({ customError: fixItMessage });

/**
 * One error model (RFC 9457 problem+json). Domain errors are typed values with a code that maps
 * to an HTTP status; validation errors carry the zod issue paths (`facts.3.data.price`).
 *
 * @example return problemResponse(problem("not_found", `monitor ${id} not found`));
 */
export const PROBLEM_STATUS = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ProblemCode = keyof typeof PROBLEM_STATUS;

const TITLES: Record<ProblemCode, string> = {
  validation: "Invalid request",
  unauthorized: "Missing or invalid token",
  forbidden: "Not allowed",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  precondition_failed: "Version mismatch",
  too_large: "Request too large",
  unsupported_media_type: "Unsupported content type",
  rate_limited: "Too many requests",
  internal: "Internal error",
  unavailable: "Temporarily unavailable",
};

export type ProblemIssue = { path: string; message: string };
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: ProblemIssue[];
  [extra: string]: unknown;
};

export function problem(code: ProblemCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `https://trigger-fabric.dev/problems/${code.replaceAll("_", "-")}`,
    title: TITLES[code],
    status: PROBLEM_STATUS[code],
    detail,
    code,
    ...extra,
  };
}

/**
 * Zod issues as problem errors with dotted paths, each saying what to fix (issues/explain.ts).
 * `input` is the value that was parsed (it decides which alternative of a union was meant);
 * `prefix` says where it came from (`query`, `path`; nothing for a body).
 */
export function zodIssues(error: z.ZodError, input?: unknown, prefix: (string | number)[] = []): ProblemIssue[] {
  const issues = explainIssues(error.issues, input).map((i) => ({
    path: [...prefix, ...i.path.map((p) => String(p))].join("."),
    message: i.message,
  }));
  // Two checks can fail on one value and read the same once worded (1e20 is both unsafe as an
  // integer and over the maximum): say each fix once.
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A 400 whose detail names the first mistake and how many more there are.
 *
 * @example validationProblem(parsed.error, "The monitor is invalid", { input: body })
 */
export function validationProblem(
  error: z.ZodError,
  detailPrefix = "The request body is invalid",
  where: { input?: unknown; prefix?: (string | number)[] } = {},
): Problem {
  const errors = zodIssues(error, where.input, where.prefix);
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more in errors[])` : "";
  const detail = first ? `${detailPrefix}: ${first.path || "(root)"}: ${first.message}${more}` : detailPrefix;
  return problem("validation", detail, { errors: errors.slice(0, 100) });
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** A typed domain error: thrown by handlers, turned into problem+json by one error handler. */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}

export function fail(code: ProblemCode, detail: string, extra: Record<string, unknown> = {}): never {
  throw new ProblemError(problem(code, detail, extra));
}
