import { z } from "zod";
import type { StreamRefSchema } from "../predicate";

type StreamRef = z.infer<typeof StreamRefSchema>;

/**
 * The explain contract (`POST /v1/monitors/{id}/explain`, `POST /v1/explain`): every evaluation of
 * one monitor over the stored fact log, replayed with no side effects like a backtest, with each
 * condition's values and the reason for its truth, and the fire decision. Shared by the route, the
 * client, the CLI and the console, so they read one shape.
 *
 * @example ExplainRangeSchema.parse({ from: "2026-11-22T00:00:00Z", limit: 100 })
 */
export const EXPLAIN_LIMITS = { defaultRows: 100, maxRows: 1000 } as const;

/** The range and page of an explain; `cursor` is the `nextCursor` of the previous page, opaque. */
export type ExplainRange = { from?: number; to?: number; limit?: number; cursor?: string };

/** One condition at one evaluation. Values are null where there is none (not warmed up, no base). */
export type ExplainCondition = {
  /** Leaf index, left to right through the predicate, and its path in the predicate (`all.1`). */
  index: number;
  path: string;
  /** False when this fact did not sample the condition's series: its truth carried over. */
  evaluated: boolean;
  /** The raw sample of the condition's (stream, field) at this fact. */
  sample: number | null;
  /** A `change`: the derived difference and the base sample it was taken against. */
  change?: { value: number | null; base: { observedAt: number; value: number } | null };
  /** An `indicator`: its value now. */
  indicator?: { kind: string; value: number | null };
  /** A relative condition: the right side now (times × operand + plus); `compared` is then d. */
  operand?: { value: number | null };
  /** The compared value now and at the series' previous sample (what a crossing compares). */
  compared: number | null;
  previous: number | null;
  /** The comparison written out, e.g. `100.4 > 100`, `99.2 → 100.4 crosses above 100`. */
  comparison: string;
  truth: boolean;
  /** Why, in words: `crossed from 99.2 to 100.4`, `for-timer started at …, 3m of 5m held`,
   * `disarmed by hysteresis until ≤ 95`, `no base sample 24h back`, `not sampled by this fact`; where
   * a for-timer run breaks, the run it ended: `99 is not > 100; ends a for-timer run started at …
   * after 2m of 3m (forMs not reached)`. */
  reason: string;
};

export type ExplainDecision =
  | { outcome: "matched"; matchId: string; reason: string }
  | { outcome: "suppressed"; reason: string }
  | { outcome: "false"; reason: string }
  | { outcome: "disabled"; reason: string }
  /** The fact is at or after the monitor's expiresAt: nothing of the monitor was evaluated. */
  | { outcome: "expired"; reason: string };

/** One evaluation: the fact, every condition, the predicate's truth and the fire decision. */
export type ExplainRow = {
  eventId: string;
  observedAt: number;
  streamKey: string;
  stream: StreamRef;
  conditions: ExplainCondition[];
  truth: boolean;
  decision: ExplainDecision;
};

export type ExplainPage = {
  monitorId: string;
  monitorVersion: number;
  rows: ExplainRow[];
  /** Rows in this page that matched (the same matches a backtest reports). */
  matched: number;
  /** Pass it back as `cursor` for the next page; null when the range is exhausted. */
  nextCursor: string | null;
  /**
   * What no row can say, in words (absent when there is nothing to say): a stream with no stored
   * fact or a field its facts never carry (the condition was never evaluated), facts skipped as
   * stale (they have no row), a threshold never reached in this page and how close it came, and
   * for a saved monitor the facts before its version was registered (not evaluated, as live).
   */
  notes?: string[];
};

export const ExplainLimitSchema = z.number().int().min(1).max(EXPLAIN_LIMITS.maxRows);
