import type { ProblemCode, ProblemIssue } from "../../shared/src/problem";
import { formatTimeout } from "./attempt-deadline";
import type { PushConflict } from "./types";

/**
 * Every error the fabric answers (problem+json, RFC 9457) as one typed value; a non-problem error
 * answer, a network failure and an attempt that got no answer in time (`code: "timeout"`) that
 * outlived their retries become one too, so callers never parse strings.
 *
 * @example
 * try { await fabric.monitors.get("nope"); } catch (e) { if (e instanceof FabricError && e.status === 404) … }
 */
export type FabricErrorCode = ProblemCode | "network" | "timeout" | "http";

export class FabricError extends Error {
  override readonly name = "FabricError";
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly code: FabricErrorCode;
  readonly type: string | undefined;
  readonly errors: ProblemIssue[];
  /** The whole problem body (extras such as `reason`, `skewSeconds`), or null when there was none. */
  readonly problem: Record<string, unknown> | null;
  /** For a failed `facts.push`: what the requests before the failed one recorded. */
  pushed?: {
    accepted: number;
    duplicates: number;
    eventIds: string[];
    conflicts?: PushConflict[];
    requestsSent: number;
    requests: number;
  };

  constructor(init: {
    status: number;
    title: string;
    detail: string;
    code: FabricErrorCode;
    type?: string;
    errors?: ProblemIssue[];
    problem?: Record<string, unknown> | null;
    cause?: unknown;
  }) {
    super(`${init.status ? `${init.status} ` : ""}${init.title}: ${init.detail}`, { cause: init.cause });
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.code = init.code;
    this.type = init.type;
    this.errors = init.errors ?? [];
    this.problem = init.problem ?? null;
  }
}

/** The FabricError for an error answer (reads its body once). */
export async function errorFromResponse(res: Response): Promise<FabricError> {
  const text = await res.text().catch(() => "");
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isProblem(body)) {
    return new FabricError({
      status: typeof body.status === "number" ? body.status : res.status,
      title: body.title,
      detail: typeof body.detail === "string" ? body.detail : "",
      code: typeof body.code === "string" ? (body.code as ProblemCode) : "http",
      type: typeof body.type === "string" ? body.type : undefined,
      errors: Array.isArray(body.errors) ? (body.errors as ProblemIssue[]) : [],
      problem: body,
    });
  }
  return new FabricError({
    status: res.status,
    title: res.statusText || `HTTP ${res.status}`,
    detail: text.slice(0, 500),
    code: "http",
  });
}

function isProblem(v: unknown): v is Record<string, unknown> & { title: string } {
  return typeof v === "object" && v !== null && typeof (v as { title?: unknown }).title === "string";
}

/** A network failure (fetch threw) after every retry. */
export function networkError(cause: unknown): FabricError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new FabricError({ status: 0, title: "Network error", detail, code: "network", cause });
}

/**
 * An attempt that got no whole answer within the client's `timeoutMs` (after every retry). The
 * fabric may still have acted on it: a push's dedupeKeys make sending it again safe.
 */
export function timeoutError(
  timeoutMs: number,
  request: { method: string; path: string },
  cause: unknown,
  /** For an open stream gone quiet: what it did for that long (the detail says so instead). */
  silence?: string,
): FabricError {
  const within = formatTimeout(timeoutMs);
  return new FabricError({
    status: 0,
    title: `No answer from the fabric within ${within}`,
    detail: silence
      ? `${request.method} ${request.path} ${silence} ${within} (idleTimeoutMs): reconnecting`
      : `${request.method} ${request.path} was given up after ${within} (the client's timeoutMs)`,
    code: "timeout",
    cause,
  });
}

/**
 * The same error with each `facts.<i>` path moved on by `offset`: the fabric numbers the facts of
 * one request, and a push split into several requests must name the caller's own index instead
 * (the 1,501st fact of a push is `facts.1500`, not the second request's `facts.500`).
 */
export function withFactIndexOffset(e: FabricError, offset: number): FabricError {
  if (offset === 0 || e.errors.length === 0) return e;
  const moved = (path: string) =>
    path.replace(/^facts\.(\d+)(?=\.|$)/, (_, i: string) => `facts.${Number(i) + offset}`);
  const errors = e.errors.map((i) => ({ ...i, path: moved(i.path) }));
  // A validation detail names the first issue as "<path>: <message>": renamed there too.
  const [before, after] = [e.errors[0]?.path ?? "", errors[0]?.path ?? ""];
  const detail = e.detail.replace(`${before}: `, `${after}: `);
  const rebased = new FabricError({
    status: e.status,
    title: e.title,
    detail,
    code: e.code,
    ...(e.type === undefined ? {} : { type: e.type }),
    errors,
    problem: e.problem ? { ...e.problem, detail, errors } : null,
    cause: e.cause,
  });
  if (e.pushed) rebased.pushed = e.pushed;
  return rebased;
}
