import { ProblemError, problem } from "../../shared/src/problem";
import { shardOf } from "../../shared/src/streams";
import type { DedupeEntry, DedupeResult } from "./dedupe-rules";
import type { IngestEnv } from "./env";

/**
 * Reserves a push's dedupeKeys across the producer's ledger shards, all or nothing. When another
 * request holds one of the keys (a concurrent duplicate), this one backs off and tries again, so
 * both answer with the same eventIds and the facts are enqueued once.
 *
 * @example const r = await reserveKeys(env, "dev-producer", entries); …; await r.settle(true);
 */
const LEASE_MS = 30_000;
const MAX_WAIT_MS = 10_000;

export type Reservation = { requestId: string; results: DedupeResult[]; settle: (committed: boolean) => Promise<void> };

export async function reserveKeys(
  env: IngestEnv,
  producerId: string,
  entries: DedupeEntry[],
  maxWaitMs = MAX_WAIT_MS,
): Promise<Reservation> {
  if (entries.length === 0) return { requestId: crypto.randomUUID(), results: [], settle: async () => {} };
  const shards = Math.max(1, Number(env.DEDUPE_SHARDS ?? 4) || 4);
  const ttlMs = Number(env.DEDUPE_TTL_MS ?? 604_800_000) || 604_800_000;
  const byShard = new Map<number, DedupeEntry[]>();
  for (const e of entries) {
    const n = shardOf(e.key, shards);
    const list = byShard.get(n) ?? [];
    list.push(e);
    byShard.set(n, list);
  }
  const stubs = [...byShard.keys()].map((n) => env.DEDUPE.get(env.DEDUPE.idFromName(`${producerId}:${n}`)));
  const keysByStub = [...byShard.values()].map((list) => list.map((e) => e.key));
  const requestId = crypto.randomUUID();
  const settle = async (committed: boolean) => {
    await Promise.all(stubs.map((s, i) => s.settle(requestId, committed, keysByStub[i])));
  };

  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const outcomes = await Promise.all(
      [...byShard.values()].map((list, i) => stubs[i]?.reserve(requestId, list, LEASE_MS, ttlMs)),
    );
    if (outcomes.every((o) => o && !o.busy)) {
      return { requestId, results: outcomes.flatMap((o) => o?.results ?? []), settle };
    }
    await settle(false);
    if (Date.now() - started > maxWaitMs) {
      // Retry-After marks this conflict as one to retry (the client's policy retries such a 409).
      throw new ProblemError(
        problem("conflict", "Another request with the same dedupeKeys is in flight; retry after Retry-After seconds"),
        { "retry-after": "1" },
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(200, 10 * 2 ** attempt) * (0.5 + Math.random())));
  }
}
