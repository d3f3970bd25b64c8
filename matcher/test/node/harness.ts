import { FactLog } from "../../src/engine/fact-log";
import { IndexedEngine } from "../../src/engine/indexed-engine";
import type { Match, Op } from "../../src/engine/types";

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
      matches.push(...r.matches);
    }
    if (restoreAt.has(i)) {
      const dirty = engine.takeDirty();
      for (const [id, s] of dirty.monitors) {
        if (s === null) monitorStates.delete(id);
        else monitorStates.set(id, JSON.parse(JSON.stringify(s)));
      }
      for (const [key, s] of dirty.streams) streamStates.set(key, JSON.parse(JSON.stringify(s)));
      const liveDefs = [...defs.values()].map((u) => u.def);
      engine = IndexedEngine.restore(liveDefs, monitorStates, streamStates, { history: log.history });
    }
  });
  return matches;
}
