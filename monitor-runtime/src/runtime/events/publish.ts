import { type DomainEvent, DomainEventSchema } from "../../../../shared/src/events";
import { applyEvents } from "../../../../shared/src/projections/apply";
import { d1Executor } from "../../../../shared/src/projections/sql";
import type { RuntimeEnv } from "../../env";

/** The body of a message on Queue "events" (JSON, the default content type). */
export type EventsMessage = { v: 1; events: DomainEvent[] };

/**
 * Make domain events true now and for everyone: apply them to D1 with the projector's idempotent
 * statements (so a ref recorded and at once notified is already readable: no read-after-write
 * race), then publish them on Queue "events" for the projector, which applies them again as a
 * no-op (its guard is "eventId not yet in event_log").
 *
 * @example await publish(env, [tickEvent]);
 */
export async function publish(env: Pick<RuntimeEnv, "DB" | "EVENTS_QUEUE">, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  const valid = events.map((e) => DomainEventSchema.parse(e));
  await applyEvents(d1Executor(env.DB), valid);
  const message: EventsMessage = { v: 1, events: valid };
  await env.EVENTS_QUEUE.send(message);
}
