import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import { memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore, type ShardOptions } from "../../src/shard/shard-core";
import {
  definition,
  type FactStep,
  factStepArb,
  MONITOR_IDS,
  type MonitorBody,
  makeFact,
  monitorBodyArb,
  runs,
} from "./arbitraries";
import { asRegistryIssues } from "./harness";

/** The model: the op log (judged by the reference evaluator) plus dedupe and staleness by hand. */
type Model = {
  ops: Op[];
  facts: AcceptedFact[];
  seen: Set<string>;
  latest: Map<string, number>;
  versions: Map<string, number>;
  at: number;
};
/** The real thing: the shard core production runs, over the in-memory storage port. */
type Real = { storage: ReturnType<typeof memoryShardStorage>; options: ShardOptions; shard: ShardCore };

/** Every match the shard recorded equals the reference's over the ops as the registry issues them. */
function checkOutbox(m: Model, r: Real): void {
  expect(r.storage.outbox.matches()).toEqual(referenceEvaluate(asRegistryIssues(m.ops)));
}

class Upsert implements fc.Command<Model, Real> {
  constructor(
    readonly id: string,
    readonly body: MonitorBody,
    readonly bump: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const held = m.versions.get(this.id) ?? 0;
    const version = Math.max(1, held + this.bump);
    m.versions.set(this.id, Math.max(version, held));
    const def = definition(this.id, version, this.body);
    m.ops.push({ type: "upsert", def });
    expect(r.shard.upsertMonitor(def).applied).toBe(version > held);
    checkOutbox(m, r);
  }
  toString = () => `upsert(${this.id}, +${this.bump}, ${JSON.stringify(this.body)})`;
}

class Remove implements fc.Command<Model, Real> {
  constructor(readonly id: string) {}
  check = () => true;
  run(m: Model, r: Real): void {
    m.ops.push({ type: "remove", monitorId: this.id });
    r.shard.removeMonitor(this.id, m.versions.get(this.id) ?? 0);
    checkOutbox(m, r);
  }
  toString = () => `remove(${this.id})`;
}

class Restart implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    // Monitor states and each stream's latest time come back exactly; a stream's retained samples
    // may differ (a restore loads only what windows need), which the matches after it must not show.
    const essentials = (core: ShardCore) => {
      const { monitors, streams } = core.loadEngine().snapshot();
      return { monitors, latest: streams.map(([key, s]) => [key, (s as { latest: number | null }).latest]) };
    };
    const before = essentials(r.shard);
    r.shard = new ShardCore(r.storage, r.options);
    expect(essentials(r.shard)).toEqual(before);
    checkOutbox(m, r);
  }
  toString = () => "restart";
}

class Facts implements fc.Command<Model, Real> {
  constructor(
    readonly steps: FactStep[],
    readonly repeats: number[],
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const batch: AcceptedFact[] = [];
    for (const step of this.steps) {
      m.at = Math.max(1_000_000, m.at + step.dt);
      const fact = makeFact(step, m.facts.length, m.at);
      m.facts.push(fact);
      batch.push(fact);
    }
    for (const back of this.repeats) if (m.facts.length > 0) batch.push(m.facts[back % m.facts.length] as AcceptedFact);
    const expected = { applied: 0, stale: 0, duplicates: 0 };
    for (const fact of batch) {
      m.ops.push({ type: "fact", fact });
      if (m.seen.has(fact.eventId)) expected.duplicates++;
      else if (fact.observedAt < (m.latest.get(fact.streamKey) ?? Number.NEGATIVE_INFINITY)) expected.stale++;
      else {
        expected.applied++;
        m.latest.set(fact.streamKey, fact.observedAt);
      }
      m.seen.add(fact.eventId);
    }
    const { applied, stale, duplicates } = r.shard.applyFacts(batch, 0);
    expect({ applied, stale, duplicates }).toEqual(expected);
    checkOutbox(m, r);
  }
  toString = () => `facts(${JSON.stringify(this.steps)}, repeats ${JSON.stringify(this.repeats)})`;
}

const commands = [
  fc
    .record({ id: fc.constantFrom(...MONITOR_IDS), body: monitorBodyArb, bump: fc.integer({ min: -1, max: 3 }) })
    .map(({ id, body, bump }) => new Upsert(id, body, bump)),
  fc.constantFrom(...MONITOR_IDS).map((id) => new Remove(id)),
  fc.constant(new Restart()),
  fc
    .record({
      steps: fc.array(factStepArb, { minLength: 1, maxLength: 12 }),
      repeats: fc.array(fc.nat(), { maxLength: 2 }),
    })
    .map(({ steps, repeats }) => new Facts(steps, repeats)),
];

describe("shard core (model-based)", () => {
  it("matches, dedupes, reports staleness and survives restarts like the reference over its op log", () => {
    fc.assert(
      fc.property(fc.commands(commands, { size: "+1" }), fc.integer({ min: 1, max: 20 }), (cmds, checkpointFacts) => {
        const model: Model = {
          ops: [],
          facts: [],
          seen: new Set(),
          latest: new Map(),
          versions: new Map(),
          at: 1_000_000,
        };
        const storage = memoryShardStorage();
        const options: ShardOptions = { checkpointFacts, log: () => {} };
        const real: Real = { storage, options, shard: new ShardCore(storage, options) };
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: runs(800) },
    );
  });

  it("a batch that fails mid-way changes nothing, and its retry applies it once", () => {
    const storage = memoryShardStorage();
    const shard = new ShardCore(storage, { checkpointFacts: 2, faults: "shard-abort", log: () => {} });
    const def = definition("m-a", 1, {
      predicate: {
        stream: { kind: "market_price", subject: { symbol: "AAA" } },
        field: "price",
        op: "crosses_above",
        value: 3,
      },
      mode: "edge",
      cooldownMs: 0,
      once: false,
      enabled: true,
      expiresIn: null,
      portfolios: ["pf-1"],
    });
    shard.upsertMonitor(def);
    const facts = [1, 5, 2, 6].map((value, i) =>
      makeFact({ s: 0, dt: 500, value, signed: value, bid: null }, i, 1e6 + i),
    );
    const random = vi.spyOn(Math, "random").mockReturnValue(0);
    expect(() => shard.applyFacts(facts, 0)).toThrow("fault injection: shard-abort");
    expect(storage.facts.size().factLogSize).toBe(0);
    expect(storage.outbox.matches()).toEqual([]);
    expect(storage.outbox.counters()).toEqual({});
    random.mockReturnValue(0.99);
    expect(shard.applyFacts(facts, 0)).toEqual({ applied: 4, stale: 0, duplicates: 0, matches: 2 });
    expect(shard.applyFacts(facts, 0)).toMatchObject({ applied: 0, duplicates: 4, matches: 0 });
    random.mockRestore();
    const ops: Op[] = [{ type: "upsert", def }, ...facts.map((fact) => ({ type: "fact" as const, fact }))];
    expect(storage.outbox.matches()).toEqual(referenceEvaluate(ops));
  });
});
