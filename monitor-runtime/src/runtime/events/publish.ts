import { projectEvents } from "../../../../shared/src/contract/events-message";
import { type DomainEvent, DomainEventSchema } from "../../../../shared/src/events";
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
