import type { MonitorDefinition } from "../../../shared/src/monitor";
import { IndexedEngine } from "../../src/engine/indexed-engine";
import { type HistoryFn, identityOf, type Match, type MatchCore, type Op } from "../../src/engine/types";
import { MemoryFactLog } from "../../src/shard/memory-storage";

/**
 * Runs ops through an IndexedEngine the way a shard does (dedupe by eventId, a fact log backing
 * the history callback). `restoreAt` lists op indexes after which the engine is rebuilt with
 * `IndexedEngine.restore` from the state accumulated through `takeDirty`.
 */
export function runIndexed(ops: Op[], restoreAt: ReadonlySet<number> = new Set()): Match[] {
  const log = new MemoryFactLog();
  const seen = new Set<string>();
  const defs = new Map<string, Op & { type: "upsert" }>();
  const monitorStates = new Map<string, unknown>();
  const streamStates = new Map<string, unknown>();
  const history: HistoryFn = (key, field, from) => log.history(key, field, from);
  let engine = new IndexedEngine({ history });
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
      log.append([{ fact: op.fact, stale: r.stale }], 0);
      for (const m of r.matches) matches.push(withIdentity(m, defs.get(m.monitorId)?.def));
    }
    if (restoreAt.has(i)) {
      saveDirty(engine, monitorStates, streamStates);
      const liveDefs = [...defs.values()].map((u) => u.def);
      engine = IndexedEngine.restore(liveDefs, monitorStates, streamStates, { history });
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

/**
 * The ops as the registry would issue them: it never sends a version at most the highest it has
 * issued for that monitor, removed or not (a shard keeps a removed monitor's version as a
 * tombstone, so such an upsert could not take effect anyway). For a live monitor this drops only
 * upserts the reference ignores too.
 */
export function asRegistryIssues(ops: readonly Op[]): Op[] {
  const issued = new Map<string, number>();
  return ops.filter((op) => {
    if (op.type !== "upsert") return true;
    if (op.def.version <= (issued.get(op.def.monitorId) ?? 0)) return false;
    issued.set(op.def.monitorId, op.def.version);
    return true;
  });
}
