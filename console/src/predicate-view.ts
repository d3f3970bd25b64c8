import type { Predicate } from "../../shared/src/predicate";
import { streamKey } from "../../shared/src/streams";
import type { StreamRef } from "./types";

/**
 * Reading a monitor's predicate for display: its conditions left to right (the order explain
 * numbers them in), the streams they read, and the lines a condition draws on its stream's chart.
 * Written for any condition shape the fabric may accept (a `value` that is a number, a [lo, hi]
 * band, or an operand object that has no fixed level to draw).
 *
 * @example conditionsOf({ all: [c1, { not: c2 }] }) // [{ condition: c1, path: "all.0" }, { condition: c2, path: "all.1.not" }]
 */
export type ConditionView = {
  stream: StreamRef;
  field: string;
  op: string;
  value: unknown;
  change?: unknown;
  indicator?: unknown;
};

export type Leaf = { condition: ConditionView; path: string };

export function conditionsOf(p: Predicate | Record<string, unknown>, path = ""): Leaf[] {
  const at = (s: string) => (path ? `${path}.${s}` : s);
  const node = p as Record<string, unknown>;
  if (Array.isArray(node.all)) return node.all.flatMap((c, i) => conditionsOf(c as Predicate, at(`all.${i}`)));
  if (Array.isArray(node.any)) return node.any.flatMap((c, i) => conditionsOf(c as Predicate, at(`any.${i}`)));
  if (node.not && typeof node.not === "object") return conditionsOf(node.not as Predicate, at("not"));
  return [{ condition: node as unknown as ConditionView, path }];
}

/** The fabric's own stream key (shared/src/streams.ts), e.g. `market_price:BTC-USD`. */
export const streamKeyOf = (s: StreamRef): string => streamKey(s);

/** The distinct streams a predicate reads, each with the fields its conditions compare. */
export function streamsOf(p: Predicate): { stream: StreamRef; key: string; fields: string[] }[] {
  const byKey = new Map<string, { stream: StreamRef; key: string; fields: string[] }>();
  for (const { condition } of conditionsOf(p)) {
    const key = streamKeyOf(condition.stream);
    const entry = byKey.get(key) ?? { stream: condition.stream, key, fields: [] };
    if (!entry.fields.includes(condition.field)) entry.fields.push(condition.field);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

/** Levels a condition draws on its stream's price scale; none when it compares a derived value. */
export function levelsOf(c: ConditionView): number[] {
  if (c.change !== undefined || c.indicator !== undefined) return [];
  if (typeof c.value === "number") return [c.value];
  if (Array.isArray(c.value) && c.value.every((v) => typeof v === "number")) return c.value as number[];
  return [];
}

/** A condition in one line, e.g. `market_price:BTC-USD price crosses_above 100000`. */
export function describeCondition(c: ConditionView): string {
  const value = typeof c.value === "object" ? JSON.stringify(c.value) : String(c.value);
  const change = c.change ? ` (change ${JSON.stringify(c.change)})` : "";
  const indicator = c.indicator ? ` (${JSON.stringify(c.indicator)})` : "";
  return `${streamKeyOf(c.stream)} ${c.field}${change}${indicator} ${c.op} ${value}`;
}

/** The number a fact gives a field: candles expose their newest candle, metrics their named entry. */
export function fieldValue(kind: string, data: Record<string, unknown>, field: string): number | null {
  let v: unknown;
  if (kind === "market_candles") {
    const candles = data.candles as Record<string, unknown>[] | undefined;
    v = candles?.[candles.length - 1]?.[field];
  } else if (field.startsWith("metrics.")) {
    v = (data.metrics as Record<string, unknown> | undefined)?.[field.slice("metrics.".length)];
  } else v = data[field];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
