import { type DomainEvent, safeParseDomainEvent } from "../events";
import { applyEvents } from "../projections/apply";
import { d1Executor } from "../projections/sql";

/**
 * The messages on Queue "events" and the one way a Worker makes domain events true: append them
 * to D1's event log and projections (idempotent on eventId), then send them to the projector as
 * `{ v: 1, events }`, which applies them again as a no-op. Projecting before sending means a
 * write is readable at once (no read-after-write race) and an event survives a lost queue message.
 *
 * @example await publishEvents(env, [event]); // matcher outbox, registry, monitor runtime
 */
export type EventsMessage = { v: 1; events: DomainEvent[] };

export type EventsBindings = { DB: D1Database; EVENTS_QUEUE: Queue<unknown> };

/** Appends events to D1's event log and projections (a repeated eventId changes nothing). */
export async function projectEvents(db: D1Database, events: DomainEvent[]): Promise<void> {
  if (events.length > 0) await applyEvents(d1Executor(db), events);
}

/** Sends events to the projector as one message on Queue "events" (JSON, the default content type). */
export async function sendEvents(queue: Queue<unknown>, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  const message: EventsMessage = { v: 1, events };
  await queue.send(message);
}

/** Projects then sends: what every producer of domain events does (the registry runs the halves as separate effects). */
export async function publishEvents(env: EventsBindings, events: DomainEvent[]): Promise<void> {
  await projectEvents(env.DB, events);
  await sendEvents(env.EVENTS_QUEUE, events);
}

/** An events message from its queue body, or the reason it cannot be one (the consumer dead-letters it). */
export function parseEventsMessage(body: unknown): DomainEvent[] | string {
  if (typeof body !== "object" || body === null || (body as { v?: unknown }).v !== 1) return "not a v1 events message";
  const raw = (body as { events?: unknown }).events;
  if (!Array.isArray(raw) || raw.length === 0) return "events must be a non-empty array";
  const events: DomainEvent[] = [];
  for (const [i, e] of raw.entries()) {
    const r = safeParseDomainEvent(e);
    if (!r.success) return `events.${i}: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`;
    events.push(r.data);
  }
  return events;
}
