import { projectEvents } from "../../../../shared/src/contract/events-message";
import { type DomainEvent, DomainEventSchema } from "../../../../shared/src/events";
import { applyStatements } from "../../../../shared/src/projections/apply";
import type { RuntimeEnv } from "../../env";

/**
 * Make the runtime's domain events true now and for everyone: appended to D1's event log and
 * projected there, once (shared/src/contract/events-message.ts). Not also sent to the projector:
 * its copy would only apply the same rows again as a no-op, a queue message and a D1 round trip
 * per tick in a burst of wake-ups (the matcher's trigger_matched is written once the same way).
 * Each event is validated first: the runtime builds them from requests and workflow state, and a
 * malformed one must fail here.
 *
 * @example await publish(env, [tickEvent]);
 */
export async function publish(env: Pick<RuntimeEnv, "DB">, events: DomainEvent[]): Promise<void> {
  await projectEvents(
    env.DB,
    events.map((e) => DomainEventSchema.parse(e)),
  );
}

/**
 * `publish`, with reads run after the events' statements in the SAME D1 batch (one round trip, one
 * transaction): what a tick does to answer with the state its event left. Returns each read's rows.
 *
 * @example const [state] = await publishThenRead(env, [tickEvent], [monitorStateStatement(env.DB, id)]);
 */
export async function publishThenRead(
  env: Pick<RuntimeEnv, "DB">,
  events: DomainEvent[],
  reads: D1PreparedStatement[],
): Promise<unknown[][]> {
  const writes = applyStatements(events.map((e) => DomainEventSchema.parse(e))).map((s) =>
    env.DB.prepare(s.sql).bind(...s.params),
  );
  const results = await env.DB.batch([...writes, ...reads]);
  return results.slice(writes.length).map((r) => r.results);
}
