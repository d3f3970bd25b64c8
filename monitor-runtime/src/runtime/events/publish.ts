import { publishEvents } from "../../../../shared/src/contract/events-message";
import { type DomainEvent, DomainEventSchema } from "../../../../shared/src/events";
import type { RuntimeEnv } from "../../env";

/**
 * Make the runtime's domain events true now and for everyone (shared/src/contract/events-message.ts:
 * projected into D1, then sent to the projector). Each event is validated first: the runtime
 * builds them from requests and workflow state, and a malformed one must fail here, not in the
 * projector's dead-letter queue.
 *
 * @example await publish(env, [tickEvent]);
 */
export async function publish(env: Pick<RuntimeEnv, "DB" | "EVENTS_QUEUE">, events: DomainEvent[]): Promise<void> {
  await publishEvents(
    env,
    events.map((e) => DomainEventSchema.parse(e)),
  );
}
