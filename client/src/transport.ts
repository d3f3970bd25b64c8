import { attemptDeadline, checkTimeoutMs, platformTimeout, type TimeoutSignal } from "./attempt-deadline";
import { errorFromResponse, FabricError, networkError, timeoutError } from "./errors";
import {
  abortableSleep,
  backoffMs,
  type RetryOptions,
  type RetryPolicy,
  resolveRetry,
  retryAfterMs,
  retryableStatus,
} from "./retry";

/**
 * The one place requests are made: base URL, bearer token, retries (429 honouring `Retry-After`,
 * 503, a 409 that carries `Retry-After`, network errors, timeouts) and problem+json → FabricError.
 * Each attempt has `timeoutMs` for its whole answer, body included; a caller's own `signal` stops
 * the call at once (its abort reason is thrown, never retried). Clock, sleep, randomness, the
 * timeout's signal and fetch are injectable so tests run without waiting. `onRefused` hears every 401 and 403 before it is thrown,
 * so a UI can sign out in one place instead of around every call.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type TransportOptions = {
  baseUrl: string;
  fetch?: FetchLike;
  retry?: RetryOptions;
  /**
   * The longest wait for one attempt's whole answer, body included, in ms (default 30 000; 0: no
   * limit). An attempt out of time is retried like a network error; after the last one it is a
   * FabricError with `code: "timeout"`. The match stream's connect is bounded by it, the stream is not.
   */
  timeoutMs?: number;
  /** For tests: how to wait, what time it is, the jitter source, and the signal that ends an attempt's time. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  timeoutSignal?: TimeoutSignal;
  /** Hears every 401 and 403 (the match stream's too) before it is thrown. */
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
  /** Retry 429/503/network errors and timeouts (default true; false for non-idempotent calls). */
  retry?: boolean;
  /** The caller's own abort: ends the call (in flight or between retries) with its reason. */
  signal?: AbortSignal;
};

/** The default `timeoutMs`: an answer the fabric has not finished in 30 s is not coming. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export class Transport {
  readonly baseUrl: string;
  readonly policy: RetryPolicy;
  private readonly fetchImpl: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  private readonly random: () => number;
  private readonly onRefused: RefusedHook | undefined;
  readonly timeoutMs: number;
  readonly timeoutSignal: TimeoutSignal;

  constructor(o: TransportOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, "");
    this.policy = resolveRetry(o.retry);
    this.fetchImpl = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.onRefused = o.onRefused;
    this.timeoutMs = checkTimeoutMs(o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.timeoutSignal = o.timeoutSignal ?? platformTimeout;
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
      call.signal?.throwIfAborted();
      const headers: Record<string, string> = {
        authorization: `Bearer ${call.token}`,
        accept: "application/json, application/problem+json",
        ...(contentType ? { "content-type": contentType } : {}),
        ...(call.headers ? await call.headers(body) : {}),
      };
      let failure: FabricError;
      let waitAtLeast = 0;
      const deadline = attemptDeadline(this.timeoutMs, call.signal, this.timeoutSignal);
      try {
        // The DOM's BodyInit wants an ArrayBuffer-backed view: every body here is one (TextEncoder's
        // output, or bytes msgpack packed), never a SharedArrayBuffer view.
        const init = body ? { body: body as Uint8Array<ArrayBuffer> } : {};
        const sent = await this.fetchImpl(url, { method: call.method, headers, ...init, signal: deadline.signal });
        const res = await readWhole(sent, deadline.signal);
        if (res.ok) return res;
        failure = await errorFromResponse(res);
        if (!retryableStatus(res.status, res.headers.get("retry-after"))) throw this.refused(failure, call);
        waitAtLeast = retryAfterMs(res.headers.get("retry-after"), this.now()) ?? 0;
      } catch (e) {
        if (e instanceof FabricError) throw e;
        // The caller's abort is theirs to handle, as fetch's own AbortError would be: not a timeout.
        if (call.signal?.aborted) throw call.signal.reason;
        failure = deadline.timedOut() ? timeoutError(deadline.timeoutMs, call, e) : networkError(e);
      } finally {
        deadline.release();
      }
      if (attempt + 1 >= attempts) throw failure;
      const wait = Math.max(waitAtLeast, backoffMs(this.policy, attempt, this.random));
      if (this.now() + wait - started > this.policy.maxElapsedMs) throw failure;
      await abortableSleep(this.sleep, wait, call.signal);
    }
  }

  async json<T>(call: Call): Promise<T> {
    const res = await this.send(call);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}

/** Statuses whose Response must have a null body. */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * The answer with its body read to the end within the attempt's time, so a body that stalls is a
 * timeout of this attempt (and retried) rather than a hang in the caller's `res.json()`. The body
 * is cancelled on abort even by a fetch that does not tie it to the signal.
 */
async function readWhole(res: Response, signal: AbortSignal): Promise<Response> {
  if (!res.body) return res;
  signal.throwIfAborted();
  const reader = res.body.getReader();
  const stop = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener("abort", stop, { once: true });
  const chunks: Uint8Array[] = [];
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(chunk.value);
  } finally {
    signal.removeEventListener("abort", stop);
  }
  // A cancelled read ends as if the body were done: the signal says it was cut short.
  signal.throwIfAborted();
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const init = { status: res.status, statusText: res.statusText, headers: res.headers };
  return new Response(NO_BODY.has(res.status) ? null : bytes, init);
}
