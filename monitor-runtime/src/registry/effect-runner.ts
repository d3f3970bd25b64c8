/** A recorded registry event's effects, run in this order (monitor-registry.ts). */
export const EFFECTS = ["indexed", "projected", "published"] as const;
export type Effect = (typeof EFFECTS)[number];

/** A recorded event with the effects already done. */
export type PendingEvent<E> = { eventId: string; event: E; done: Record<Effect, boolean> };

/** What running effects needs of the registry's log (MonitorRegistry binds these to its SQLite). */
export type EffectPorts<E> = {
  /** Recorded events with an effect not yet done, in log order. */
  pending(): PendingEvent<E>[];
  apply(effect: Effect, event: E): Promise<void>;
  markDone(eventId: string, effect: Effect): void;
};

/**
 * Runs every recorded event's pending effects, in log order, one pass at a time. A Durable Object
 * lets a second command (or the alarm) in while a pass awaits an RPC; two overlapping passes would
 * both index the older version, and the slower one's follower-table write (a plain replace, not
 * versioned) could land after the newer version's: the monitor's home would then miss the live
 * facts of the streams it reads on other shards. A pass starts when the one before has ended
 * (failed or not) and picks up whatever is still pending then.
 *
 * @example await new EffectRunner(ports).run()
 */
export class EffectRunner<E> {
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly ports: EffectPorts<E>) {}

  run(): Promise<void> {
    const pass = this.last.catch(() => undefined).then(() => runPending(this.ports));
    this.last = pass;
    return pass;
  }
}

async function runPending<E>(ports: EffectPorts<E>): Promise<void> {
  for (const row of ports.pending()) {
    for (const effect of EFFECTS) {
      if (row.done[effect]) continue;
      await ports.apply(effect, row.event);
      ports.markDone(row.eventId, effect);
    }
  }
}
