import { percentile } from "./open-loop";

/**
 * load:burst's bookkeeping, pure (Node-tested in load-tests/test/node/burst-accounting.test.ts):
 * which wake-ups ticked, which were lost or doubled, and the p50/p99 of the route samples taken at
 * rest and during the burst.
 *
 * A tick is recorded as a `tick_executed` event. One that carries trigger matches lists them in
 * `matchIds` (a coalesced wake carries every match pending for its workflow); an older one without
 * that list is found by its `tickId`, `deterministicId("tick", workflowId, "trigger_match:<matchId>")`
 * (monitor-runtime run-tick.ts). A match is woken by the recorded ticks of its workflow that carry it.
 *
 * @example accountWakes([{ workflowId: "wf-1", matchId: "m~1~E", tickId: "tick_ab" }], rows)
 */
export type ExpectedWake = { workflowId: string; matchId: string; tickId: string };
export type TickRow = {
  eventId: string;
  workflowId: string;
  tickId: string;
  tickedAt: number;
  reason: string;
  matchIds?: string[];
};

export type WakeAccount = {
  /** Expected wake-ups with at least one recorded tick of their own. */
  ticked: number;
  /** Expected wake-ups with no recorded tick (their matchIds). */
  lost: string[];
  /**
   * Ticks beyond one per expected wake-up: a second recorded tick of the same wake-up, or any tick
   * of a burst workflow that no expected wake-up explains (each burst workflow had exactly one).
   */
  doubled: number;
  /** When each ticked wake-up's first tick ran (ms since the epoch), in expected order. */
  tickedAt: number[];
  /** Recorded ticks of the burst's workflows (fewer than the wake-ups when wakes were coalesced). */
  ticks: number;
};

export function accountWakes(expected: readonly ExpectedWake[], rows: readonly TickRow[]): WakeAccount {
  const burstWorkflows = new Set(expected.map((e) => e.workflowId));
  const burstRows = rows.filter((r) => burstWorkflows.has(r.workflowId));
  // Each row is indexed by what it carries: its workflow's matchIds, or (no list) its tickId.
  const carriers = new Map<string, TickRow[]>();
  const add = (key: string, r: TickRow) => carriers.set(key, [...(carriers.get(key) ?? []), r]);
  for (const r of burstRows) {
    if (r.matchIds) for (const m of r.matchIds) add(`${r.workflowId}\u001f${m}`, r);
    else add(r.tickId, r);
  }
  const explained = new Set<TickRow>();
  const lost: string[] = [];
  const tickedAt: number[] = [];
  let doubled = 0;
  for (const e of expected) {
    const mine = [...(carriers.get(`${e.workflowId}\u001f${e.matchId}`) ?? []), ...(carriers.get(e.tickId) ?? [])];
    for (const r of mine) explained.add(r);
    if (mine.length === 0) lost.push(e.matchId);
    else tickedAt.push(Math.min(...mine.map((r) => r.tickedAt)));
    doubled += Math.max(0, mine.length - 1);
  }
  doubled += burstRows.filter((r) => !explained.has(r)).length;
  return { ticked: tickedAt.length, lost, doubled, tickedAt, ticks: burstRows.length };
}

/** One route sample: when it was due (epoch ms), how long it took, its status (0: no answer; -1: not sent, too many outstanding). */
export type Sample = { route: string; due: number; ms: number; status: number };

export type PhaseStats = { samples: number; skipped: number; failed: number; p50: number; p99: number; max: number };

/** p50/p99/max of one route's samples sent while due in [from, to); the skipped ones are only counted. */
export function phaseStats(samples: readonly Sample[], route: string, from: number, to: number): PhaseStats {
  const due = samples.filter((s) => s.route === route && s.due >= from && s.due < to);
  const mine = due.filter((s) => s.status !== -1);
  const ms = mine.map((s) => s.ms);
  return {
    samples: mine.length,
    skipped: due.length - mine.length,
    failed: mine.filter((s) => s.status < 200 || s.status >= 300).length,
    p50: round(percentile(ms, 0.5)),
    p99: round(percentile(ms, 0.99)),
    max: round(percentile(ms, 1)),
  };
}

/**
 * Until when a route stayed slow: the latest answer (ms after `from`) of a sample due from `from` on
 * that took longer than `limitMs`; 0 when none did.
 */
export function slowUntil(samples: readonly Sample[], route: string, from: number, limitMs: number): number {
  let until = 0;
  for (const s of samples)
    if (s.route === route && s.due >= from && s.ms > limitMs) until = Math.max(until, s.due + s.ms - from);
  return round(until);
}

/** Spread figures: the time by which a share of the wake-ups had happened, in ms after `from`. */
export function spread(times: readonly number[], from: number): { first: number; p50: number; last: number } {
  const rel = times.map((t) => t - from);
  return { first: round(percentile(rel, 0)), p50: round(percentile(rel, 0.5)), last: round(percentile(rel, 1)) };
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : v);
