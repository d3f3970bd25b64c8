import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition, Predicate } from "../../../shared/src/predicate";
import { IndexedEngine } from "../../src/engine/indexed-engine";

// Shard checkpoints in live Durable Objects hold these states, so their format must not change.
// The literals were produced by the engine of commit 803b3f9 (before its runtime types were
// renamed); a deliberate format change needs a migration of saved states, not new literals.

const BTC = { kind: "market_price", subject: { symbol: "BTC" } } as const;

function price(value: number, i: number): AcceptedFact {
  const at = 1_000_000 + 1000 * i;
  return {
    kind: "market_price",
    subject: { symbol: "BTC" },
    data: { price: value },
    observedAt: at,
    eventId: `p${i}`,
    producerId: "p",
    receivedAt: at,
    streamKey: "market_price:BTC",
  };
}

function cond(op: Condition["op"], value: Condition["value"], extra: Partial<Condition> = {}): Condition {
  return { stream: { ...BTC, subject: { ...BTC.subject } }, field: "price", op, value, ...extra };
}

function def(monitorId: string, predicate: Predicate, fire: MonitorDefinition["fire"]): MonitorDefinition {
  return {
    monitorId,
    version: 3,
    workflowId: "wf",
    ownerUserId: "u",
    linkedPortfolioIds: [],
    predicate,
    fire,
    enabled: true,
  };
}

/** One monitor of each kind of state: a range held for a time, a crossing with hysteresis, a
 * level monitor with a cooldown over a `change` window, a `once` monitor that fires. */
const DEFS: MonitorDefinition[] = [
  def("m-range", cond("between", [5, 8], { forMs: 1500 }), { mode: "edge", cooldownMs: 0, once: false }),
  def("m-cross", cond("crosses_above", 6, { hysteresis: 2 }), { mode: "edge", cooldownMs: 0, once: false }),
  def(
    "m-level",
    { all: [cond("gt", 4), cond("gte", 1, { change: { windowMs: 2000, mode: "abs" } })] },
    {
      mode: "level",
      cooldownMs: 2500,
      once: false,
    },
  ),
  def("m-once", { not: cond("lt", 3) }, { mode: "edge", cooldownMs: 0, once: true }),
];
const PRICES = [3, 5, 7, 6, 9, 4, 7];

function engineAfterFacts(): IndexedEngine {
  const e = new IndexedEngine({ history: () => [] });
  for (const d of DEFS) e.upsertMonitor(d);
  for (const [i, v] of PRICES.entries()) e.applyFact(price(v, i));
  return e;
}

describe("persisted engine state format", () => {
  it("saves monitors and streams after a batch exactly as before", () => {
    expect(JSON.stringify(engineAfterFacts().takeDirty())).toBe(EXPECTED_DIRTY);
  });

  it("snapshots series samples exactly as before", () => {
    expect(JSON.stringify(engineAfterFacts().snapshot())).toBe(EXPECTED_SNAPSHOT);
  });

  it("restores from the saved state as before (a checkpoint written before the rename loads)", () => {
    const saved = JSON.parse(EXPECTED_DIRTY) as { monitors: [string, unknown][]; streams: [string, unknown][] };
    const samples = PRICES.map((value, i) => ({ observedAt: 1_000_000 + 1000 * i, value }));
    const history = (_key: string, _field: string, from: number) => {
      const base = samples.findLastIndex((p) => p.observedAt <= from);
      return samples.slice(Math.max(base, 0));
    };
    const e = IndexedEngine.restore(DEFS, new Map(saved.monitors), new Map(saved.streams), { history });
    expect(JSON.stringify(e.snapshot())).toBe(EXPECTED_SNAPSHOT);
  });
});

const EXPECTED_DIRTY =
  '{"monitors":[["m-range",[3,0,0,null,12,1006000]],["m-cross",[3,1,0,null,2,null]],["m-level",[3,0,0,1002000,14,null,8,null]],["m-once",[3,1,1,null,8,null]]],"streams":[["market_price:BTC",{"latest":1006000}]]}';
const EXPECTED_SNAPSHOT =
  '{"monitors":[["m-cross",[3,1,0,null,2,null]],["m-level",[3,0,0,1002000,14,null,8,null]],["m-once",[3,1,1,null,8,null]],["m-range",[3,0,0,null,12,1006000]]],"streams":[["market_price:BTC",{"latest":1006000,"series":[{"field":"price","covered":2000,"t":[1004000,1005000,1006000],"v":[9,4,7]}]}]]}';

// The indicator and relative-condition state added with the indicators issue (stream `ind`, the
// relative conditions' previous d after the per-condition pairs): fixed from its first version.
const NEW_DEFS: MonitorDefinition[] = [
  def("m-sma", cond("crosses_above", 6, { indicator: { kind: "sma", samples: 3 } }), {
    mode: "edge",
    cooldownMs: 0,
    once: false,
  }),
  def("m-rsi", cond("lt", 40, { indicator: { kind: "rsi", samples: 2 } }), {
    mode: "edge",
    cooldownMs: 0,
    once: false,
  }),
  def("m-ema", cond("gt", 5, { indicator: { kind: "ema", samples: 2 } }), { mode: "edge", cooldownMs: 0, once: false }),
  def(
    "m-band",
    cond("crosses_above", { field: "price", indicator: { kind: "bollinger_upper", samples: 2, k: 1 }, plus: -1 }),
    { mode: "edge", cooldownMs: 0, once: false },
  ),
];

describe("persisted indicator and relative state format", () => {
  const engine = () => {
    const e = new IndexedEngine({ history: () => [] });
    for (const d of NEW_DEFS) e.upsertMonitor(d);
    for (const [i, v] of PRICES.entries()) e.applyFact(price(v, i));
    return e;
  };

  it("saves indicator states with the stream and a relative condition's previous d with its monitor", () => {
    expect(JSON.stringify(engine().takeDirty())).toBe(EXPECTED_NEW_DIRTY);
  });

  it("restores them: the restored engine continues exactly as the live one", () => {
    const saved = JSON.parse(EXPECTED_NEW_DIRTY) as { monitors: [string, unknown][]; streams: [string, unknown][] };
    const restored = IndexedEngine.restore(NEW_DEFS, new Map(saved.monitors), new Map(saved.streams), {
      history: () => [],
    });
    const live = engine();
    live.takeDirty();
    for (const [i, v] of [8, 3, 9, 2, 10].entries()) {
      const fact = price(v, PRICES.length + i);
      expect(restored.applyFact(fact)).toEqual(live.applyFact(fact));
    }
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(live.snapshot()));
  });

  it("a checkpoint in the first indicator format, with its whole log, continues as live", () => {
    const saved = JSON.parse(FIRST_INDICATOR_DIRTY) as { monitors: [string, unknown][]; streams: [string, unknown][] };
    const samples = PRICES.map((value, i) => ({ observedAt: 1_000_000 + 1000 * i, value }));
    const history = (_key: string, _field: string, from: number) => samples.filter((p) => p.observedAt >= from);
    const restored = IndexedEngine.restore(NEW_DEFS, new Map(saved.monitors), new Map(saved.streams), { history });
    const live = engine();
    live.takeDirty();
    for (const [i, v] of [8, 3, 9, 2, 10].entries()) {
      const fact = price(v, PRICES.length + i);
      samples.push({ observedAt: fact.observedAt, value: v });
      expect(restored.applyFact(fact)).toEqual(live.applyFact(fact));
    }
    expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(live.snapshot()));
  });
});

// Second version (running window sums re-summed every N samples, one window per series). The
// first, `ind` (a window per state), is what main saved up to commit efdb1c2: a checkpoint holding
// it loads its ema and rsi states and rebuilds sma and Bollinger from the log where the log still
// holds their window (test above; restart-first-indicator-format.test.ts once the log is pruned).
const EXPECTED_NEW_DIRTY =
  '{"monitors":[["m-sma",[3,0,0,null,8,null]],["m-rsi",[3,0,0,null,8,null]],["m-ema",[3,1,0,null,14,null]],["m-band",[3,1,0,null,14,null,null]]],"streams":[["market_price:BTC",{"latest":1006000,"indicators":[["price","sma:3",[3,1,20,0]],["price","rsi:2",[3,7,2,1.3125]],["price","ema:2",[2,8,6.444444444444445]],["price","bollinger_upper:2:1",[2,1,11,4.5]]],"windows":[["price",[6,9,4,7]]]}]]}';
/** The first indicator format (a window per sma/Bollinger state, no running sums). */
const FIRST_INDICATOR_DIRTY =
  '{"monitors":[["m-sma",[3,0,0,null,8,null]],["m-rsi",[3,0,0,null,8,null]],["m-ema",[3,1,0,null,14,null]],["m-band",[3,1,0,null,14,null,null]]],"streams":[["market_price:BTC",{"latest":1006000,"ind":[["price","sma:3",[3,1,7,9,4]],["price","rsi:2",[3,7,2,1.3125]],["price","ema:2",[2,8,6.444444444444445]],["price","bollinger_upper:2:1",[2,1,7,4]]]}]]}';
