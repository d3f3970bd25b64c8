import { lagStatement } from "../../../../shared/src/consumer-lag";
import { deadLetter } from "../../../../shared/src/dead-letters";
import { ProblemError } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { deliver, offerWakes } from "../delivery/enqueue";
import { isCreationRateLimited } from "../delivery/instances";
import { groupBySession, type SessionGroup } from "./coalesce-wakes";
import { parseWakeMessage, type WakeMessage } from "./wake-message";
import { WakePacer, wakeRate } from "./wake-pacer";

/**
 * Coalesced wakes in flight at once within a batch (each is a few Durable Object calls and at most
 * one creation): enough to keep the pace, few enough that a route's request never queues behind
 * many of them.
 */
const CONCURRENCY = 8;
/** How long creations are held after the platform answers 429 (Workflows counts per second). */
const RATE_LIMIT_HOLD_MS = 2_000;
/** A wake that keeps failing for another reason goes to the DLQ after this many attempts. */
const MAX_ATTEMPTS = 20;

let pacer: WakePacer | undefined;

type Item = { message: Message<unknown>; body: WakeMessage };
type Counts = { delivered: number; rateLimited: number; wakes: number; coalesced: number };

/**
 * The Queue "wakes" consumer (one batch at a time: max_concurrency 1). The batch's wake-ups are
 * grouped by session (coalesce-wakes.ts): every match pending for one workflow becomes one
 * coalesced wake, recorded in its PortfolioAgent in one call and delivered once (start or ring the
 * workflow instance), and the instance's next tick carries every one of their matchIds. Instance
 * creations are paced to WAKE_RATE_PER_S so a burst never trips the platform's creation limit. A
 * 429 from creation holds the pacer and retries the group's messages; each wake-up is already
 * recorded in its session under its own id, so a retry, in whatever group it lands, is a duplicate:
 * neither lost nor doubled.
 */
export async function consumeWakes(batch: MessageBatch<unknown>, env: RuntimeEnv): Promise<void> {
  const rate = wakeRate(env.WAKE_RATE_PER_S);
  if (pacer?.ratePerSecond !== rate) pacer = new WakePacer(rate);
  const paced = pacer;
  const counts: Counts = { delivered: 0, rateLimited: 0, wakes: 0, coalesced: 0 };
  const work: Item[] = [];
  for (const message of batch.messages) {
    const body = parseWakeMessage(message.body);
    if (typeof body === "string") {
      await deadLetter(env.WAKES_DLQ, "wakes", message, body);
      counts.delivered++;
    } else work.push({ message, body });
  }
  const groups = groupBySession(work);
  let next = 0;
  const worker = async () => {
    for (let group = groups[next++]; group; group = groups[next++]) await deliverGroup(env, paced, group, counts);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, groups.length) }, worker));
  await recordBacklog(env, batch.messages, counts, paced);
}

/** One coalesced wake to its session: its messages acked (delivered, or dead-lettered) or retried. */
async function deliverGroup(env: RuntimeEnv, paced: WakePacer, group: SessionGroup<Item>, counts: Counts) {
  try {
    // Recorded in its session first; only a wake that may create an instance (a session with no
    // live owner, or one past its lease) waits for the pace: ringing a waiting instance or leaving
    // the wake to a running one creates nothing.
    const { offer, wakeId } = await offerWakes(env, group.monitor, group.wakes);
    if (offer.delivery === "start" || offer.stale) {
      const wait = paced.delayFor(1, Date.now());
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const reason = group.wakes[0]?.reason ?? "trigger_match";
    await deliver(env, group.monitor, { wakeId, reason }, { ...offer, outcome: "accepted" });
    let acked = 0;
    group.items.forEach((item, i) => {
      // The session's own queue was full for this one (busy): it drains as its instance ticks.
      if (offer.outcomes[i] === "busy") item.message.retry({ delaySeconds: 30 });
      else {
        item.message.ack();
        acked++;
      }
    });
    counts.delivered += acked;
    if (acked > 0) counts.wakes++;
    counts.coalesced += Math.max(0, acked - 1);
  } catch (err) {
    const busy = err instanceof ProblemError && err.problem.status === 429;
    if (!busy && isCreationRateLimited(err)) {
      paced.holdUntilTime(Date.now() + RATE_LIMIT_HOLD_MS);
      for (const item of group.items) item.message.retry({ delaySeconds: Math.ceil(RATE_LIMIT_HOLD_MS / 1000) });
      counts.rateLimited += group.items.length;
      return;
    }
    for (const { message, body } of group.items) {
      if (!busy && message.attempts >= MAX_ATTEMPTS) {
        await deadLetter(env.WAKES_DLQ, "wakes", message, `wake kept failing: ${String(err).slice(0, 300)}`);
        counts.delivered++;
        continue;
      }
      console.error(
        JSON.stringify({ level: "warn", msg: "wake retried", wakeId: body.wake.wakeId, error: String(err) }),
      );
      message.retry({ delaySeconds: busy ? 30 : Math.min(30, 2 ** message.attempts) });
    }
  }
}

/** One D1 batch per queue batch: wakes done, how many rode coalesced, the pacing, the queue's lag. */
async function recordBacklog(
  env: RuntimeEnv,
  messages: readonly Message<unknown>[],
  counts: Counts,
  paced: WakePacer,
): Promise<void> {
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE wake_backlog SET delivered = delivered + ?, rate_limited = rate_limited + ?, wakes = wakes + ?,
         coalesced = coalesced + ?, rate_per_s = ?, held_until = ?, at = ? WHERE id = 0`,
    ).bind(
      counts.delivered,
      counts.rateLimited,
      counts.wakes,
      counts.coalesced,
      paced.ratePerSecond,
      paced.heldUntil(now) || null,
      now,
    ),
    lagStatement(env.DB, "wakes", messages),
  ]);
}
