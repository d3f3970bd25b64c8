import { DurableObject } from "cloudflare:workers";
import { projectEvents, sendEvents } from "../../../shared/src/contract/events-message";
import { type DomainEvent, parseDomainEvent, stamp } from "../../../shared/src/events";
import { deterministicUlid, newId } from "../../../shared/src/ids";
import type { RuntimeEnv } from "../env";
import {
  evolve,
  execute,
  initialState,
  type RegistryCommand,
  type RegistryEvent,
  type RegistryEventDraft,
  type RegistryState,
} from "./decider";
import { type Effect, EffectRunner } from "./effect-runner";
import { indexEvent } from "./index-in-shards";

/**
 * The write side of one monitor (one object per monitorId, so concurrent writes to a monitor are
 * serialised here and none is lost). It folds its own event stream into the decider's state,
 * appends the decided events to its SQLite log (that is "durably recorded"), then runs their
 * effects in order — index them in the matcher shards, project them into D1, publish them on
 * Queue "events" — and answers only when all are done. An effect that fails is retried by the
 * alarm and by the next command, so an event is never recorded without eventually taking effect.
 */
export type CommandResult =
  | { ok: true; version: number; created: boolean; changed: boolean }
  | { ok: false; code: "precondition_failed" | "not_found" | "unavailable"; detail: string; currentVersion?: number };

export class MonitorRegistry extends DurableObject<RuntimeEnv> {
  private state?: RegistryState;
  private effects?: EffectRunner<RegistryEvent>;

  private ensure(): RegistryState {
    this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, indexed INTEGER NOT NULL DEFAULT 0,
      projected INTEGER NOT NULL DEFAULT 0, published INTEGER NOT NULL DEFAULT 0)`);
    if (!this.state) {
      const events = this.ctx.storage.sql.exec<{ body: string }>("SELECT body FROM events ORDER BY seq").toArray();
      this.state = events
        .map((r) => parseDomainEvent(JSON.parse(r.body)) as RegistryEvent)
        .reduce(evolve, initialState());
    }
    return this.state;
  }

  async command(cmd: RegistryCommand): Promise<CommandResult> {
    const state = this.ensure();
    const outcome = execute(cmd, state);
    if (!outcome.ok) return { ok: false, ...outcome.error };
    const now = Date.now();
    const events = await Promise.all(outcome.events.map((draft) => stampDraft(draft, now)));
    this.ctx.storage.transactionSync(() => {
      for (const e of events)
        this.ctx.storage.sql.exec("INSERT INTO events (event_id, body) VALUES (?, ?)", e.eventId, JSON.stringify(e));
    });
    this.state = outcome.state;
    try {
      await this.runEffects();
    } catch (err) {
      await this.ctx.storage.setAlarm(Date.now() + 1000);
      console.error(
        JSON.stringify({
          level: "error",
          msg: "registry effects pending",
          monitorId: cmd.monitorId,
          error: String(err),
        }),
      );
      return {
        ok: false,
        code: "unavailable",
        detail: "The change is recorded but not yet applied everywhere; it will be, retry to confirm",
      };
    }
    return { ok: true, version: outcome.version, created: outcome.created, changed: events.length > 0 };
  }

  /**
   * Records monitor_expired if wall-clock time has reached the live version's expiresAt (once per
   * version). The cron's expiry scan calls it; see registry/expiry-scan.ts for why there.
   */
  async expire(monitorId: string): Promise<CommandResult> {
    return this.command({ type: "expire", monitorId, now: Date.now() });
  }

  /** The current definition and version (authoritative; the D1 read model may lag a queue hop). */
  async current(): Promise<RegistryState> {
    return this.ensure();
  }

  override async alarm(): Promise<void> {
    this.ensure();
    await this.runEffects();
  }

  /** Applies every recorded event's pending effects, in log order, one pass at a time (effect-runner.ts). */
  private runEffects(): Promise<void> {
    const sql = this.ctx.storage.sql;
    this.effects ??= new EffectRunner<RegistryEvent>({
      pending: () =>
        sql
          .exec<{ event_id: string; body: string; indexed: number; projected: number; published: number }>(
            "SELECT event_id, body, indexed, projected, published FROM events WHERE indexed = 0 OR projected = 0 OR published = 0 ORDER BY seq",
          )
          .toArray()
          .map((row) => ({
            eventId: row.event_id,
            event: parseDomainEvent(JSON.parse(row.body)) as RegistryEvent,
            done: { indexed: row.indexed === 1, projected: row.projected === 1, published: row.published === 1 },
          })),
      apply: (effect, event) => this.effect(effect, event),
      markDone: (eventId, effect) => sql.exec(`UPDATE events SET ${effect} = 1 WHERE event_id = ?`, eventId),
    });
    return this.effects.run();
  }

  private async effect(effect: Effect, event: RegistryEvent): Promise<void> {
    if (effect === "indexed") await indexEvent(this.env, event, this.previousDefinition(event));
    // Projected here too so that reads reflect the write at once; the projector's copy of the same
    // event (from the queue) is then a no-op by eventId.
    else if (effect === "projected") await projectEvents(this.env.DB, [event as DomainEvent]);
    else await sendEvents(this.env.EVENTS_QUEUE, [event as DomainEvent]);
  }

  /** The definition in force before this event (to move a monitor whose home shard changed). */
  private previousDefinition(event: RegistryEvent) {
    let state = initialState();
    for (const r of this.ctx.storage.sql.exec<{ body: string }>("SELECT body FROM events ORDER BY seq")) {
      const e = parseDomainEvent(JSON.parse(r.body)) as RegistryEvent;
      if (e.eventId === event.eventId) break;
      state = evolve(state, e);
    }
    return state.definition;
  }
}

/**
 * Stamps a decided event. monitor_expired's id is a function of (monitor, version), so however
 * often a scan asks, event_log and the projector hold one such event per version.
 */
async function stampDraft(draft: RegistryEventDraft, now: number): Promise<RegistryEvent> {
  const eventId =
    draft.type === "monitor_expired"
      ? await deterministicUlid(draft.data.expiresAt, draft.type, draft.aggregateId, draft.aggregateVersion)
      : newId(now);
  return stamp<RegistryEvent>(draft, { eventId, occurredAt: now });
}
