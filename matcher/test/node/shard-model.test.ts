import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { referenceEvaluate } from "../../src/engine/reference";
import { ShardCore } from "../../src/engine/shard-core";
import type { Op } from "../../src/engine/types";
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

/** The model: the op log (judged by the reference evaluator) plus dedupe and staleness by hand. */
type Model = {
  ops: Op[];
  facts: AcceptedFact[];
  seen: Set<string>;
  latest: Map<string, number>;
  versions: Map<string, number>;
  at: number;
};
type Real = { shard: ShardCore; outbox: ReturnType<ShardCore["takeOutbox"]> };

function checkOutbox(m: Model, r: Real): void {
  r.outbox.push(...r.shard.takeOutbox());
  expect(r.outbox).toEqual(referenceEvaluate(m.ops));
}

class Upsert implements fc.Command<Model, Real> {
  constructor(
    readonly id: string,
    readonly body: MonitorBody,
    readonly bump: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const version = Math.max(1, (m.versions.get(this.id) ?? 0) + this.bump);
    m.versions.set(this.id, Math.max(version, m.versions.get(this.id) ?? 0));
    const def = definition(this.id, version, this.body);
    m.ops.push({ type: "upsert", def });
    r.shard.upsertMonitor(def);
    checkOutbox(m, r);
  }
  toString = () => `upsert(${this.id}, +${this.bump}, ${JSON.stringify(this.body)})`;
}

class Remove implements fc.Command<Model, Real> {
  constructor(readonly id: string) {}
  check = () => true;
  run(m: Model, r: Real): void {
    m.ops.push({ type: "remove", monitorId: this.id });
    r.shard.removeMonitor(this.id);
    checkOutbox(m, r);
  }
  toString = () => `remove(${this.id})`;
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
    const { applied, stale, duplicates } = r.shard.applyBatch(batch);
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
  fc
    .record({
      steps: fc.array(factStepArb, { minLength: 1, maxLength: 12 }),
      repeats: fc.array(fc.nat(), { maxLength: 2 }),
    })
    .map(({ steps, repeats }) => new Facts(steps, repeats)),
];

describe("shard core (model-based)", () => {
  it("matches, dedupes and reports staleness like the reference over its op log", () => {
    fc.assert(
      fc.property(fc.commands(commands, { size: "+1" }), (cmds) => {
        const model: Model = {
          ops: [],
          facts: [],
          seen: new Set(),
          latest: new Map(),
          versions: new Map(),
          at: 1_000_000,
        };
        const real: Real = { shard: new ShardCore(), outbox: [] };
        fc.modelRun(() => ({ model, real }), cmds);
        const rebuilt = ShardCore.replay(real.shard.journal());
        expect(rebuilt.engine.snapshot()).toEqual(real.shard.engine.snapshot());
      }),
      { numRuns: runs(800) },
    );
  });
});
