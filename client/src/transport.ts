import { errorFromResponse, FabricError, networkError } from "./errors";
import { backoffMs, type RetryOptions, type RetryPolicy, resolveRetry, retryAfterMs, retryableStatus } from "./retry";

/**
 * The one place requests are made: base URL, bearer token, retries (429 honouring `Retry-After`,
 * 503, a 409 that carries `Retry-After`, network errors) and problem+json → FabricError. Clock, sleep, randomness and fetch are
 * injectable so tests run without waiting. `onRefused` hears every 401 and 403 before it is thrown,
 * so a UI can sign out in one place instead of around every call.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type TransportOptions = {
  baseUrl: string;
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** For tests: how to wait, what time it is, and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onRefused?: RefusedHook;
};

/** Called with a 401 or 403 FabricError and the request it answered, just before it is thrown. */
export type RefusedHook = (error: FabricError, request: { method: Call["method"]; path: string }) => void;

export type Call = {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  token: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON value, or bytes sent as they are (with `contentType`). */
  json?: unknown;
  bytes?: Uint8Array;
  contentType?: string;
  /** Extra headers per attempt (a signature is computed per attempt: its timestamp is fresh). */
  headers?: (body: Uint8Array | undefined) => Promise<Record<string, string>> | Record<string, string>;
  /** Retry 429/503/network errors (default true; false for non-idempotent calls). */
  retry?: boolean;
};

export class Transport {
  readonly baseUrl: string;
  readonly policy: RetryPolicy;
  private readonly fetchImpl: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  private readonly random: () => number;
  private readonly onRefused: RefusedHook | undefined;

  constructor(o: TransportOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, "");
    this.policy = resolveRetry(o.retry);
    this.fetchImpl = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.onRefused = o.onRefused;
  }

  /** Tells `onRefused` about a 401 or 403 (any other error passes by); answers the error. */
  refused<E>(error: E, request: { method: Call["method"]; path: string }): E {
    if (error instanceof FabricError && (error.status === 401 || error.status === 403))
      this.onRefused?.(error, request);
    return error;
  }

  url(path: string, query?: Call["query"]): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  /** The successful Response (2xx), or a thrown FabricError. */
  async send(call: Call): Promise<Response> {
    const body =
      call.bytes ?? (call.json === undefined ? undefined : new TextEncoder().encode(JSON.stringify(call.json)));
    const contentType = call.contentType ?? (call.json === undefined ? undefined : "application/json");
    const url = this.url(call.path, call.query);
    const started = this.now();
    const attempts = call.retry === false ? 1 : this.policy.maxAttempts;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${call.token}`,
        accept: "application/json, application/problem+json",
        ...(contentType ? { "content-type": contentType } : {}),
        ...(call.headers ? await call.headers(body) : {}),
      };
      let failure: FabricError;
      let waitAtLeast = 0;
      try {
        // The DOM's BodyInit wants an ArrayBuffer-backed view: every body here is one (TextEncoder's
        // output, or bytes msgpack packed), never a SharedArrayBuffer view.
        const init = body ? { body: body as Uint8Array<ArrayBuffer> } : {};
        const res = await this.fetchImpl(url, { method: call.method, headers, ...init });
        if (res.ok) return res;
        failure = await errorFromResponse(res);
        if (!retryableStatus(res.status, res.headers.get("retry-after"))) throw this.refused(failure, call);
        waitAtLeast = retryAfterMs(res.headers.get("retry-after"), this.now()) ?? 0;
      } catch (e) {
        if (e instanceof FabricError) throw e;
        failure = networkError(e);
      }
      if (attempt + 1 >= attempts) throw failure;
      const wait = Math.max(waitAtLeast, backoffMs(this.policy, attempt, this.random));
      if (this.now() + wait - started > this.policy.maxElapsedMs) throw failure;
      await this.sleep(wait);
    }
  }

  async json<T>(call: Call): Promise<T> {
    const res = await this.send(call);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}
