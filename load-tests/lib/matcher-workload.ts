import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import type { Condition, Predicate } from "../../shared/src/predicate";
import { numberKnob, readKnobs } from "./knobs";
import { rng } from "./rng";

/**
 * bench:matcher's workload, shared with bench:matcher-ab: seeded monitors (a mix of crossings,
 * thresholds, ranges, changes, durations, compound and level monitors) over 1,000 random-walk
 * price streams, and the facts that move them.
 */
/** The workload: seeded, and monitor i is the same at every size. */
export const STREAM_COUNT = 1000;
export const T0 = 1_790_000_000_000;

export const symbols = Array.from({ length: STREAM_COUNT }, (_, i) => `SYM${i}`);
export const startPrices = Array.from({ length: STREAM_COUNT }, (_, i) => 20 + ((i * 7919) % 980));
const round = (x: number) => Math.round(x * 100) / 100;
/**
 * Per-tick volatility: σ ≈ 0.01 % at one tick per second per stream is ≈ 3 % a day (a liquid
 * market). `TICK_SIGMA=0` freezes prices, so only level monitors refire: it separates the walk's
 * cost from the matches' in a profile.
 */
const TICK_SIGMA = readKnobs(() => numberKnob("TICK_SIGMA", 0.0001, { min: 0 }));
const BAND = 0.08;
/** The single-stream run's stream: a mid-range price (320), like most of the 1,000. */
export const MID_STREAM = 500;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Which streams a run uses: streams first … first + streams − 1 (the single-stream run uses one). */
export type StreamRange = { streams: number; first: number };
export const ALL_STREAMS: StreamRange = { streams: STREAM_COUNT, first: 0 };

/** The constant-only mix, or with 10 % of monitors on an indicator and 5 % relative (DESIGN §8). */
export type MonitorMix = "constant" | "indicators";

export class MonitorSource {
  private readonly r = rng(42);
  /** The indicator mix's own draws: the constant mix's monitors stay the same draw for draw. */
  private readonly mixR = rng(4242);
  private i = 0;
  /**
   * Fewer streams than all puts the monitors on those only (same draws otherwise). Monitors from
   * the `live`-th on are made never true (see `quiet`): a run then has the matches of `live`
   * monitors however many it holds.
   */
  constructor(
    private readonly range: StreamRange = ALL_STREAMS,
    private readonly live = Number.POSITIVE_INFINITY,
    private readonly mix: MonitorMix = "constant",
  ) {}

  /** The next monitor, with the price level it watches (if any) for the bare loop. */
  next(): { def: MonitorDefinition; stream: number; level: number | undefined } {
    const r = this.r;
    const i = this.i++;
    const s = this.range.first + Math.floor(r() * this.range.streams);
    const p0 = startPrices[s] as number;
    const stream = { kind: "market_price" as const, subject: { symbol: symbols[s] as string } };
    const near = (spread: number) => round(p0 * (1 + (r() * 2 - 1) * spread));
    const c = (op: Condition["op"], value: Condition["value"], extra: Partial<Condition> = {}): Condition => ({
      stream,
      field: "price",
      op,
      value,
      ...extra,
    });
    const kind = r();
    let predicate: Predicate;
    let mode: "edge" | "level" = "edge";
    let cooldownMs = 0;
    let level: number | undefined = near(0.1);
    if (kind < 0.4) {
      const hysteresis = r() < 0.2 ? round(p0 * 0.002) : undefined;
      predicate = c(r() < 0.5 ? "crosses_above" : "crosses_below", level, hysteresis ? { hysteresis } : {});
    } else if (kind < 0.7) {
      predicate = c((["gt", "gte", "lt", "lte"] as const)[Math.floor(r() * 4)] ?? "gt", level);
    } else if (kind < 0.78) {
      const lo = level;
      predicate = c(r() < 0.5 ? "between" : "outside", [lo, round(lo + p0 * 0.02)]);
    } else if (kind < 0.86) {
      const op = (["gt", "lt", "crosses_above", "crosses_below"] as const)[Math.floor(r() * 4)] ?? "gt";
      const pct = round(0.2 + r() * 1.5) * (op === "lt" || op === "crosses_below" ? -1 : 1);
      predicate = c(op, pct, { change: { windowMs: 60_000, mode: "pct" } });
      level = undefined;
    } else if (kind < 0.92) {
      predicate = c(r() < 0.5 ? "gt" : "lt", level, { forMs: 5_000 + Math.floor(r() * 55) * 1000 });
    } else if (kind < 0.96) {
      predicate = { all: [c("gt", level), c("lt", near(0.1))] };
    } else {
      predicate = c(r() < 0.5 ? "gt" : "lt", level);
      mode = "level";
      cooldownMs = 60_000;
    }
    if (this.mix === "indicators") {
      const swapped = indicatorMix(this.mixR, c, near, s);
      if (swapped) {
        predicate = swapped;
        level = undefined;
      }
    }
    if (i >= this.live) {
      predicate =
        "all" in predicate
          ? { all: predicate.all.map((x) => quiet(x as Condition, p0)) }
          : quiet(predicate as Condition, p0);
      level = "all" in predicate || predicate.change ? undefined : (predicate.value as number);
    }
    const def: MonitorDefinition = {
      monitorId: `mon-${i}`,
      version: 1,
      workflowId: `wf-${i}`,
      ownerUserId: `user-${i % 50_000}`,
      linkedPortfolioIds: [`pf-${i % 20_000}`],
      predicate,
      fire: { mode, cooldownMs, once: r() < 0.05 },
      enabled: true,
    };
    return { def, stream: s, level };
  }
}

/**
 * The indicator mix's replacement for a monitor's predicate, or undefined (85 %) to keep it: 10 %
 * a price-level condition on an indicator (sma 20/50/200, ema 12/26, rsi 14, bollinger 20 ± 2),
 * 5 % relative (price against its sma 50, sma 20 against sma 50, or against another stream's price
 * scaled to it).
 */
function indicatorMix(
  r: () => number,
  c: (op: Condition["op"], value: Condition["value"], extra?: Partial<Condition>) => Condition,
  near: (spread: number) => number,
  s: number,
): Predicate | undefined {
  const pick = r();
  if (pick >= 0.15) return undefined;
  const cross = r() < 0.5 ? "crosses_above" : "crosses_below";
  if (pick < 0.1) {
    const which = Math.floor(r() * 7);
    if (which === 5)
      return c(r() < 0.5 ? "lt" : "gt", r() < 0.5 ? 30 : 70, { indicator: { kind: "rsi", samples: 14 } });
    if (which === 6) {
      const kind = r() < 0.5 ? "bollinger_upper" : "bollinger_lower";
      return c(cross, near(0.05), { indicator: { kind, samples: 20, k: 2 } });
    }
    const [kind, samples] = (
      [
        ["sma", 20],
        ["sma", 50],
        ["sma", 200],
        ["ema", 12],
        ["ema", 26],
      ] as const
    )[which] ?? ["sma", 20];
    return c(cross, near(0.05), { indicator: { kind, samples } });
  }
  const form = r();
  if (form < 0.4) return c(cross, { field: "price", indicator: { kind: "sma", samples: 50 } });
  if (form < 0.7) {
    return c(
      cross,
      { field: "price", indicator: { kind: "sma", samples: 50 } },
      { indicator: { kind: "sma", samples: 20 } },
    );
  }
  const o = (s + 1 + Math.floor(r() * (STREAM_COUNT - 1))) % STREAM_COUNT;
  const ratio = round4(((startPrices[s] as number) / (startPrices[o] as number)) * (1 + (r() * 2 - 1) * 0.05));
  const other = { kind: "market_price" as const, subject: { symbol: symbols[o] as string } };
  return c(cross, { stream: other, field: "price", times: ratio });
}

/**
 * The condition moved where the walk never takes it (prices stay within ±8 % of the start, so a
 * 60 s change within ±16 %): it is never true and never crossed, but its levels are in the index.
 */
function quiet(c: Condition, p0: number): Condition {
  const far = (x: number) => round(p0 * x);
  if (c.change) return { ...c, value: Math.sign(c.value as number) * 60 };
  switch (c.op) {
    case "between":
      return { ...c, value: [far(2), far(2.02)] };
    case "outside":
      return { ...c, value: [far(0.5), far(2)] };
    case "lt":
    case "lte":
    case "crosses_below":
      return { ...c, value: far(0.5) };
    default:
      return { ...c, value: far(2) };
  }
}

export class FactSource {
  private readonly r = rng(7);
  private readonly prices = [...startPrices];
  private readonly subjects = symbols.map((symbol) => ({ symbol }));
  // Flat strings, as the shard's facts have them (decoded from msgpack); a key built here by
  // concatenation would be a rope that every lookup walks through.
  private readonly keys = symbols.map((s) => Buffer.from(`market_price:${s}`).toString());
  private seq = 0;
  /** Each stream ticks once per second of event time, however many streams there are. */
  private readonly msPerFact: number;
  constructor(private readonly range: StreamRange = ALL_STREAMS) {
    this.msPerFact = 1000 / range.streams;
  }

  next(): AcceptedFact {
    const r = this.r;
    const s = this.range.first + Math.floor(r() * this.range.streams);
    const step = (r() + r() - 1) * TICK_SIGMA * 2.45;
    let price = round4((this.prices[s] as number) * (1 + step)) || 0.0001;
    // Reflected at ±BAND of the start price, where the monitors' levels are. Over 1,000 streams a
    // stream drifts ~0.4 % in a run and never gets there; a single-stream run takes a thousand
    // times more steps and would otherwise wander out of the levels (fewer crossings per fact).
    const p0 = startPrices[s] as number;
    if (price > p0 * (1 + BAND)) price = round4(2 * p0 * (1 + BAND) - price);
    else if (price < p0 * (1 - BAND)) price = round4(2 * p0 * (1 - BAND) - price);
    this.prices[s] = price;
    const n = this.seq++;
    const at = T0 + Math.floor(n * this.msPerFact);
    return {
      kind: "market_price",
      subject: this.subjects[s] as { symbol: string },
      observedAt: at,
      data: { price },
      eventId: `ev-${n}`,
      producerId: "bench",
      receivedAt: at,
      streamKey: this.keys[s] as string,
    };
  }

  take(n: number): AcceptedFact[] {
    return Array.from({ length: n }, () => this.next());
  }
}
