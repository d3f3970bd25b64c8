import { session } from "./session";

/**
 * Every call the console makes to the fabric: same origin, bearer header from the session, JSON
 * in and out. An error is an ApiError carrying the problem+json the fabric answered (title,
 * detail, errors[].path), so pages can show what went wrong. A 401 (wrong or expired token), or
 * a 403 on a read (a token that may not even read), signs out and brings back the prompt.
 *
 * @example const stats = await api<FabricStats>("GET", "/v1/admin/stats");
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }

  /** The message a person reads: the problem's title and detail, then each path and its fault. */
  describe(): string {
    return [this.message, ...this.errors.map((e) => `${e.path}: ${e.message}`)].join("\n");
  }
}

type Problem = { title?: string; detail?: string; errors?: { path: string; message: string }[] };

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** The raw response of an authorized request, after the sign-out and error rules above. */
export async function send(method: string, path: string, body?: unknown, accept?: string): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${session.token() ?? ""}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (accept) headers.accept = accept;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, "The fabric did not answer", `${method} ${path}: ${String(err)}`);
  }
  if (response.ok) return response;
  const problem = (await response.json().catch(() => ({}))) as Problem;
  const error = new ApiError(
    response.status,
    problem.title ?? `${method} ${path} answered ${response.status}`,
    problem.detail ?? "",
    problem.errors ?? [],
  );
  if (response.status === 401 || (response.status === 403 && method === "GET")) {
    session.signOut({ message: `${error.message}. Sign in again.` });
  }
  throw error;
}

/**
 * Whether a token may change things, asked without changing anything: an invalid registry write
 * is refused with 403 before validation for a read-only token, and with 400 after it otherwise.
 */
export async function probeWrite(token: string): Promise<"write" | "read" | "refused"> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const read = await fetch("/v1/admin/stats", { headers });
  if (!read.ok) return "refused";
  const write = await fetch("/v1/monitors/console-scope-probe", { method: "PUT", headers, body: "{}" });
  return write.status === 403 ? "read" : "write";
}

/** `?a=1&b=2` from the defined entries, encoded (no token ever goes here). */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
