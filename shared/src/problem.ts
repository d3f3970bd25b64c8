import type { z } from "zod";

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

/** Zod issues as problem errors with dotted paths. */
export function zodIssues(error: z.ZodError, prefix: (string | number)[] = []): ProblemIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => String(p))].join("."),
    message: i.message,
  }));
}

export function validationProblem(error: z.ZodError, detailPrefix = "The request body is invalid"): Problem {
  const errors = zodIssues(error);
  const first = errors[0];
  const detail = first ? `${detailPrefix}: ${first.path || "(root)"}: ${first.message}` : detailPrefix;
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
