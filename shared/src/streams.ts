import type { Fact, FactKind } from "./facts";

/** The order a stream key lists its subject's fields in, whatever the order they were given in. */
export const SUBJECT_FIELD_ORDER = ["symbol", "accountId", "userId", "portfolioId", "asset"] as const;

/**
 * A stream is (kind, subject). Its key is stable and human-readable; it decides the shard.
 *
 * @example streamKey({ kind: "market_price", subject: { symbol: "BTC-USD" } }) // "market_price:BTC-USD"
 */
export function streamKey(s: { kind: FactKind | string; subject: Record<string, string> }): string {
  const subj = s.subject;
  // Fixed field order so the same subject always yields the same key, whatever the JSON order.
  const parts = SUBJECT_FIELD_ORDER.map((k) => subj[k]).filter((v): v is string => typeof v === "string");
  return `${s.kind}:${parts.map(encodeURIComponent).join("/")}`;
}

export function factStreamKey(f: Fact): string {
  return streamKey(f as { kind: FactKind; subject: Record<string, string> });
}

/**
 * FNV-1a 32-bit: stable across runtimes and releases (never change it: it places streams on shards).
 *
 * @example shardOf("market_price:BTC-USD", 16) // always the same n in 0..15
 */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function shardOf(key: string, shardCount: number): number {
  return stableHash(key) % Math.max(1, Math.floor(shardCount));
}

export function shardName(n: number): string {
  return `shard-${n}`;
}
