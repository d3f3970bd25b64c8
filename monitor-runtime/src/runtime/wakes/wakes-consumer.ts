import { lagStatement } from "../../../../shared/src/consumer-lag";
import { deadLetter } from "../../../../shared/src/dead-letters";
import { ProblemError } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { deliver, offerWake } from "../delivery/enqueue";
import { isCreationRateLimited } from "../delivery/instances";
import { parseWakeMessage, type WakeMessage } from "./wake-message";
import { WakePacer, wakeRate } from "./wake-pacer";

/**
 * Wakes in flight at once within a batch (each is a few Durable Object calls and a creation):
 * enough to keep the pace, few enough that a route's request never queues behind many of them.
 */
const CONCURRENCY = 8;
/** How long creations are held after the platform answers 429 (Workflows counts per second). */
const RATE_LIMIT_HOLD_MS = 2_000;
/** A wake that keeps failing for another reason goes to the DLQ after this many attempts. */
const MAX_ATTEMPTS = 20;

let pacer: WakePacer | undefined;

/**
 * The Queue "wakes" consumer (one batch at a time: max_concurrency 1): hands each accepted
 * wake-up to its session as enqueue-tick does (record it in the PortfolioAgent, then start or ring
 * the workflow instance), with instance creations paced to WAKE_RATE_PER_S so a burst of
 * thousands of matches never trips the platform's creation limit, and at most CONCURRENCY wakes
 * in flight so it does not take the runtime from the routes that serve everything else. A 429 from creation holds the pacer and retries the message; the wake-up is
 * already recorded in its session, and its id makes the retry a duplicate, so it is neither lost
 * nor doubled.
 */
export async function consumeWakes(batch: MessageBatch<unknown>, env: RuntimeEnv): Promise<void> {
  const rate = wakeRate(env.WAKE_RATE_PER_S);
  if (pacer?.ratePerSecond !== rate) pacer = new WakePacer(rate);
  const paced = pacer;
  const counts = { delivered: 0, rateLimited: 0 };
  const work: { message: Message<unknown>; body: WakeMessage }[] = [];
  for (const message of batch.messages) {
    const body = parseWakeMessage(message.body);
    if (typeof body === "string") {
      await deadLetter(env.WAKES_DLQ, "wakes", message, body);
      counts.delivered++;
    } else work.push({ message, body });
  }
  let next = 0;
  const worker = async () => {
    for (let item = work[next++]; item; item = work[next++]) {
      const outcome = await deliverOne(env, paced, item.message, item.body);
      if (outcome === "done") counts.delivered++;
      else if (outcome === "rate-limited") counts.rateLimited++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
  await recordBacklog(env, batch.messages, counts, paced);
}

/** One wake-up to its session: done (delivered, or dead-lettered), or retried later. */
async function deliverOne(
  env: RuntimeEnv,
  paced: WakePacer,
  message: Message<unknown>,
  body: WakeMessage,
): Promise<"done" | "retry" | "rate-limited"> {
  try {
    // Recorded in its session first; only a wake that may create an instance (a session with no
    // live owner, or one past its lease) waits for the pace: ringing a waiting instance or leaving
    // the wake to a running one creates nothing.
    const offer = await offerWake(env, body.monitor, body.wake);
    if (offer.delivery === "start" || offer.stale) {
      const wait = paced.delayFor(1, Date.now());
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await deliver(env, body.monitor, body.wake, offer);
    message.ack();
    return "done";
  } catch (err) {
    // The session's own queue is full (429 busy): it drains as its instance ticks. Told apart
    // first, since its message ("too many queued wake-ups") would read as the platform's 429.
    const busy = err instanceof ProblemError && err.problem.status === 429;
    if (!busy && isCreationRateLimited(err)) {
      paced.holdUntilTime(Date.now() + RATE_LIMIT_HOLD_MS);
      message.retry({ delaySeconds: Math.ceil(RATE_LIMIT_HOLD_MS / 1000) });
      return "rate-limited";
    }
    if (!busy && message.attempts >= MAX_ATTEMPTS) {
      await deadLetter(env.WAKES_DLQ, "wakes", message, `wake kept failing: ${String(err).slice(0, 300)}`);
      return "done";
    }
    console.error(JSON.stringify({ level: "warn", msg: "wake retried", wakeId: body.wake.wakeId, error: String(err) }));
    message.retry({ delaySeconds: busy ? 30 : Math.min(30, 2 ** message.attempts) });
    return "retry";
  }
}

/** One D1 batch per queue batch: wakes done, the pacing in force, and the queue's lag. */
async function recordBacklog(
  env: RuntimeEnv,
  messages: readonly Message<unknown>[],
  counts: { delivered: number; rateLimited: number },
  paced: WakePacer,
): Promise<void> {
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE wake_backlog SET delivered = delivered + ?, rate_limited = rate_limited + ?, rate_per_s = ?,
         held_until = ?, at = ? WHERE id = 0`,
    ).bind(counts.delivered, counts.rateLimited, paced.ratePerSecond, paced.heldUntil(now) || null, now),
    lagStatement(env.DB, "wakes", messages),
  ]);
}
