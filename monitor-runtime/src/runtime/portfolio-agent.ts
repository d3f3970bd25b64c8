import { DurableObject } from "cloudflare:workers";
import type { RuntimeEnv } from "../env";
import { offerAll } from "./session/offer-all";
import * as decider from "./session/session-decider";
import { SessionMirrors } from "./session/session-mirrors";
import { type LastTick, type SessionMeta, type SessionMirror, SessionStore } from "./session/session-store";
import type { WaitEventType, Wake } from "./session/wake";

/**
 * Two roles, by name. `~<workflowId>` OWNS that workflow's monitor session, whatever portfolio its
 * monitors link to (so one duplicate filter and one instance per workflowId): which workflow
 * instance is active, what it waits on, and every wake-up not yet consumed (see
 * session-decider.ts). Each owner method is one storage transaction over the pure decider, and
 * returns the session's mirror so callers can copy it to the UserAgent and the linked portfolio.
 * A portfolio id's agent holds those copies (`mirror`): the sessions of the monitors linked to it
 * (`linkedPortfolioIds[0]`), for the admin view.
 */
export class PortfolioAgent extends DurableObject<RuntimeEnv> {
  private readonly store: SessionStore;
  private readonly mirrors: SessionMirrors;

  constructor(ctx: DurableObjectState, env: RuntimeEnv) {
    super(ctx, env);
    this.store = new SessionStore(ctx.storage.sql);
    this.mirrors = new SessionMirrors(ctx.storage.sql, "mirrored_sessions");
  }

  private run<R>(
    workflowId: string,
    meta: SessionMeta | undefined,
    fn: (v: decider.SessionView, now: number) => decider.Decision<R>,
    after?: (now: number) => void,
  ) {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const result = this.decide(workflowId, meta, fn, now);
      after?.(now);
      return { result, mirror: this.store.mirror(workflowId) };
    });
  }

  /** One decision over the stored session, persisted (inside the caller's transaction). */
  private decide<R>(
    workflowId: string,
    meta: SessionMeta | undefined,
    fn: (v: decider.SessionView, now: number) => decider.Decision<R>,
    now: number,
  ): R {
    const decision = fn(this.store.load(workflowId), now);
    if (meta || this.store.hasSession(workflowId)) this.store.apply(workflowId, meta, decision, now);
    return decision.result;
  }

  offer(meta: SessionMeta, wake: Wake, newInstanceId: string) {
    return this.run(meta.workflowId, meta, (view, now) => {
      this.store.prune(meta.workflowId, now);
      return decider.offer(view, wake, { known: this.store.known(meta.workflowId, wake.wakeId), now, newInstanceId });
    });
  }

  /** Several wake-ups of one session at once (one coalesced wake): one transaction, one answer. */
  offerAll(meta: SessionMeta, wakes: Wake[], newInstanceId: string) {
    return this.run(meta.workflowId, meta, (view, now) => {
      this.store.prune(meta.workflowId, now);
      const known = new Set(wakes.filter((w) => this.store.known(meta.workflowId, w.wakeId)).map((w) => w.wakeId));
      return offerAll(view, wakes, { known, now, newInstanceId });
    });
  }

  take(workflowId: string, instanceId: string, waitFor: WaitEventType, waitUntil: number) {
    return this.run(workflowId, undefined, (view, now) => decider.take(view, instanceId, { now, waitFor, waitUntil }));
  }

  /**
   * A tick's settle and the instance's next take in ONE transaction and one answer (one workflow
   * step, one mirror): exactly `settle` then `take`. Repeating it is harmless: the settled
   * wake-ups are no longer queued, and a repeated take hands back the group it put in flight.
   */
  settleAndTake(
    workflowId: string,
    wakeIds: string[],
    tick: LastTick | null,
    next: { instanceId: string; waitFor: WaitEventType; waitUntil: number },
  ) {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      this.decide(workflowId, undefined, (view) => decider.settle(view, wakeIds), now);
      if (tick) this.store.setLastTick(workflowId, tick, now);
      const { instanceId, waitFor, waitUntil } = next;
      const result = this.decide(
        workflowId,
        undefined,
        (view) => decider.take(view, instanceId, { now, waitFor, waitUntil }),
        now,
      );
      return { result, mirror: this.store.mirror(workflowId) };
    });
  }

  sleep(workflowId: string, instanceId: string, until: number) {
    return this.run(workflowId, undefined, (view, now) => decider.sleep(view, instanceId, { now, until }));
  }

  end(workflowId: string, instanceId: string, final: boolean, successorId: string) {
    return this.run(workflowId, undefined, (view, now) => decider.end(view, instanceId, { now, final, successorId }));
  }

  abandon(workflowId: string, instanceId: string, successorId: string) {
    return this.run(workflowId, undefined, (view, now) => decider.abandon(view, instanceId, { now, successorId }));
  }

  /** Who owns the session and what it does (recover decides from this). */
  session(workflowId: string): { active: decider.ActiveSession | null; queued: number } {
    const view = this.store.load(workflowId);
    return { active: view.active, queued: view.queue.length };
  }

  /** Keep a copy of a session owned by `~<workflowId>` whose monitor links this portfolio. */
  mirror(session: SessionMirror): void {
    this.mirrors.put(session);
  }

  /**
   * The sessions it owns and the copies it keeps, one per workflowId (the later `updatedAt` wins:
   * an agent that owned a session under the earlier owner rule may still hold it as well).
   */
  sessions(): SessionMirror[] {
    const byWorkflow = new Map<string, SessionMirror>();
    const owned = this.store.workflowIds().flatMap((id) => this.store.mirror(id) ?? []);
    for (const s of [...owned, ...this.mirrors.list()]) {
      const seen = byWorkflow.get(s.workflowId);
      if (!seen || s.updatedAt > seen.updatedAt) byWorkflow.set(s.workflowId, s);
    }
    return [...byWorkflow.values()].sort((a, b) => (a.workflowId < b.workflowId ? -1 : 1));
  }
}
