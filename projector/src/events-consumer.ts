import { batchLogLine } from "../../shared/src/batch-log";
import { failureStatement, firstLine, recoveredStatement } from "../../shared/src/consumer-failures";
import { lagStatement } from "../../shared/src/consumer-lag";
import { parseEventsMessage } from "../../shared/src/contract/events-message";
import { maybeFail } from "../../shared/src/contract/faults";
import { deadLetter } from "../../shared/src/dead-letters";
import type { DomainEvent } from "../../shared/src/events";
import { applyEvents } from "../../shared/src/projections/apply";
import { d1Executor } from "../../shared/src/projections/sql";
import type { ProjectorEnv } from "./env";

/**
 * The Queue "events" consumer: each message is `{ v: 1, events: DomainEvent[] }`. Every valid
 * event of the batch is appended to event_log and projected in ONE D1 batch (idempotent on
 * eventId, so a redelivered batch, or one retried after a partial failure, changes nothing twice).
 * A message holding an event that does not parse goes to the DLQ with the reason, and does not
 * hold back the rest of the batch.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: ProjectorEnv): Promise<void> {
  const good: { message: Message<unknown>; events: DomainEvent[] }[] = [];
  for (const message of batch.messages) {
    const parsed = parseEventsMessage(message.body);
    if (typeof parsed === "string") await deadLetter(env.EVENTS_DLQ, "events", message, parsed);
    else good.push({ message, events: parsed });
  }
  if (good.length === 0) return;
  // Load tests' fault run only: the projector fails mid-batch and the queue redelivers.
  maybeFail(env.FAULTS, "projector-fail", 0.2);
  try {
    await applyEvents(
      d1Executor(env.DB),
      good.flatMap((g) => g.events),
    );
    // One round trip: the lag, and the end of a failing run if there was one (a no-op otherwise).
    await env.DB.batch([lagStatement(env.DB, "events", batch.messages), recoveredStatement(env.DB, "events")]);
    for (const g of good) g.message.ack();
    // A line per batch, not per event (shared/src/batch-log.ts).
    const events = good.flatMap((g) => g.events);
    const types: Record<string, number> = {};
    for (const e of events) types[e.type] = (types[e.type] ?? 0) + 1;
    console.log(
      batchLogLine(
        "info",
        "projected",
        events.map((e) => e.eventId),
        { event: "events_projected", types },
      ),
    );
  } catch (err) {
    const attempts = Math.max(...good.map((g) => g.message.attempts));
    console.error(
      JSON.stringify({
        level: "error",
        msg: "projection batch failed; retrying",
        event: "projection_failed",
        attempts,
        error: String(err),
      }),
    );
    for (const g of good) g.message.retry({ delaySeconds: Math.min(30, 2 ** g.message.attempts) });
    // Seen in GET /v1/admin/stats (`projector`), so a projector whose every batch fails shows a
    // growing problem, not just an old "last batch at". D1 may be the failure: then the log says it.
    await failureStatement(env.DB, "events", err, attempts)
      .run()
      .catch((e: unknown) =>
        console.error(
          JSON.stringify({ level: "error", msg: "could not record the projection failure", error: firstLine(e) }),
        ),
      );
  }
}
