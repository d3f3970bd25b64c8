import type { ProblemCode, ProblemIssue } from "../../shared/src/problem";

/**
 * Every error the fabric answers (problem+json, RFC 9457) as one typed value; a non-problem error
 * answer and a network failure that outlived its retries become one too, so callers never parse
 * strings.
 *
 * @example
 * try { await fabric.monitors.get("nope"); } catch (e) { if (e instanceof FabricError && e.status === 404) … }
 */
export type FabricErrorCode = ProblemCode | "network" | "http";

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
  pushed?: { accepted: number; duplicates: number; eventIds: string[]; requestsSent: number; requests: number };

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
