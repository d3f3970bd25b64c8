import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { IndexedEngine } from "./indexed-engine";
import type { HistoryFn } from "./types";

/**
 * Checkpoints: how a shard persists its engine without writing every changed monitor on every
 * batch. The fact log is the source of truth and is written with each batch anyway; the engine's
 * state (`takeDirty`) is written only every `CHECKPOINT_FACTS` logged facts and whenever a monitor
 * is added, changed or removed, with the log position it reflects. A restart restores the states
 * of the last checkpoint and replays the facts logged after it: the engine is deterministic, so
 * it ends in the state it had before the restart. Matches the replay yields are not new (the
 * outbox got them in the batch that logged their fact) and are dropped.
 *
 * Why: at a million monitors a 1,000-fact batch changes ~2,000 monitor states (crossings go true
 * and then false again, thresholds flip back and forth near the price). Serialising and writing
 * them per batch was ~40 % of the shard's CPU; between checkpoints the same monitors change
 * again and again, and are written once.
 *
 * Why monitor changes checkpoint: the replay runs the monitors the shard holds now, so the facts
 * it replays must all be later than the last change of a monitor.
 */
export const DEFAULT_CHECKPOINT_FACTS = 10_000;

/** The checkpoint interval from a Worker variable (a positive integer), or the default. */
export function checkpointFacts(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_CHECKPOINT_FACTS;
}

export type CheckpointImage = {
  /** The monitors held now (no monitor changed since the checkpoint). */
  defs: MonitorDefinition[];
  monitorStates: Map<string, unknown>;
  streamStates: Map<string, unknown>;
  /** The history callback over the facts logged up to the checkpoint only. */
  historyAtCheckpoint: HistoryFn;
  /** The history callback over the whole log (what the engine uses once caught up). */
  history: HistoryFn;
  /** Every fact logged after the checkpoint (stale ones included), in log order. */
  tail: Iterable<AcceptedFact>;
};

/**
 * Rebuilds the engine a shard had: the checkpoint's states, then the tail replayed. Returns how
 * many facts were replayed (the facts since the checkpoint).
 *
 * @example const { engine, replayed } = restoreFromCheckpoint(image);
 */
export function restoreFromCheckpoint(image: CheckpointImage): { engine: IndexedEngine; replayed: number } {
  // Restoring attaches each monitor, which may load window history: it must see the log as it was
  // at the checkpoint, or the replayed facts would be counted twice.
  let history = image.historyAtCheckpoint;
  const engine = IndexedEngine.restore(image.defs, image.monitorStates, image.streamStates, {
    history: (key, field, from) => history(key, field, from),
  });
  history = image.history;
  let replayed = 0;
  for (const fact of image.tail) {
    engine.applyFact(fact);
    replayed++;
  }
  return { engine, replayed };
}
