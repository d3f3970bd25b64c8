import type { MonitorDefinition } from "../../../shared/src/monitor";
import { restoreFromCheckpoint } from "../../src/engine/checkpoint";
import { FactLog } from "../../src/engine/fact-log";
import { IndexedEngine } from "../../src/engine/indexed-engine";
import { identityOf, type Match, type MatchCore, type Op } from "../../src/engine/types";

/**
 * Runs ops through an IndexedEngine the way a shard does (dedupe by eventId, a fact log backing
 * the history callback). `restoreAt` lists op indexes after which the engine is rebuilt with
 * `IndexedEngine.restore` from the state accumulated through `takeDirty`.
 */
export function runIndexed(ops: Op[], restoreAt: ReadonlySet<number> = new Set()): Match[] {
  const log = new FactLog();
  const seen = new Set<string>();
  const defs = new Map<string, Op & { type: "upsert" }>();
  const monitorStates = new Map<string, unknown>();
  const streamStates = new Map<string, unknown>();
  let engine = new IndexedEngine({ history: log.history });
  const matches: Match[] = [];
  ops.forEach((op, i) => {
    if (op.type === "upsert") {
      engine.upsertMonitor(op.def);
      const known = defs.get(op.def.monitorId);
      if (engine.versionOf(op.def.monitorId) === op.def.version && (!known || known.def.version < op.def.version)) {
        defs.set(op.def.monitorId, op);
      }
    } else if (op.type === "remove") {
      engine.removeMonitor(op.monitorId);
      defs.delete(op.monitorId);
    } else if (!seen.has(op.fact.eventId)) {
      seen.add(op.fact.eventId);
      const r = engine.applyFact(op.fact);
      log.append(op.fact, r.stale);
      for (const m of r.matches) matches.push(withIdentity(m, defs.get(m.monitorId)?.def));
    }
    if (restoreAt.has(i)) {
      saveDirty(engine, monitorStates, streamStates);
      const liveDefs = [...defs.values()].map((u) => u.def);
      engine = IndexedEngine.restore(liveDefs, monitorStates, streamStates, { history: log.history });
    }
  });
  return matches;
}

/**
 * Runs ops the way the MatcherShard persists with checkpoints (checkpoint.ts): the engine's state
 * is saved after every monitor change and after the ops listed in `checkpointAt`; after the ops
 * in `restartAt` the engine is thrown away and rebuilt from the last checkpoint plus a replay of
 * the facts logged since. Matches of replayed facts are dropped: the shard already has them.
 */
export function runCheckpointed(ops: Op[], checkpointAt: ReadonlySet<number>, restartAt: ReadonlySet<number>): Match[] {
  const log = new FactLog();
  const seen = new Set<string>();
  const defs = new Map<string, MonitorDefinition>();
  const monitorStates = new Map<string, unknown>();
  const streamStates = new Map<string, unknown>();
  let position = 0;
  let engine = new IndexedEngine({ history: log.history });
  const checkpoint = () => {
    saveDirty(engine, monitorStates, streamStates);
    position = log.entries().length;
  };
  const matches: Match[] = [];
  ops.forEach((op, i) => {
    if (op.type === "upsert") {
      // What the shard's monitors table keeps: a version at most the held one is ignored.
      if ((defs.get(op.def.monitorId)?.version ?? 0) < op.def.version) defs.set(op.def.monitorId, op.def);
      engine.upsertMonitor(op.def);
      checkpoint();
    } else if (op.type === "remove") {
      engine.removeMonitor(op.monitorId);
      defs.delete(op.monitorId);
      checkpoint();
    } else if (!seen.has(op.fact.eventId)) {
      seen.add(op.fact.eventId);
      const r = engine.applyFact(op.fact);
      log.append(op.fact, r.stale);
      for (const m of r.matches) matches.push(withIdentity(m, defs.get(m.monitorId)));
    }
    if (checkpointAt.has(i)) checkpoint();
    if (restartAt.has(i)) {
      engine = restoreFromCheckpoint({
        defs: [...defs.values()],
        monitorStates,
        streamStates,
        historyAtCheckpoint: log.historyUpTo(position),
        history: log.history,
        tail: log
          .entries()
          .slice(position)
          .map((e) => e.fact),
      }).engine;
    }
  });
  return matches;
}

/** What the shard does when it records a match: the held definition's identity joined in. */
function withIdentity(m: MatchCore, def: MonitorDefinition | undefined): Match {
  if (!def) throw new Error(`a match of ${m.monitorId}, which the shard does not hold`);
  return { ...m, ...identityOf(def) };
}

/** What a shard stores of `takeDirty`: states as JSON (a copy), null deleting a removed monitor's. */
export function saveDirty(
  engine: IndexedEngine,
  monitorStates: Map<string, unknown>,
  streamStates: Map<string, unknown>,
): void {
  const dirty = engine.takeDirty();
  for (const [id, s] of dirty.monitors) {
    if (s === null) monitorStates.delete(id);
    else monitorStates.set(id, JSON.parse(JSON.stringify(s)));
  }
  for (const [key, s] of dirty.streams) streamStates.set(key, JSON.parse(JSON.stringify(s)));
}
