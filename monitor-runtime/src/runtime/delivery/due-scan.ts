import type { RuntimeEnv } from "../../env";
import { instanceIdFor } from "../ids";
import { type Wake, wakeIdOf } from "../session/wake";
import { type DueMonitor, dueMonitors } from "../store/projections";
import { paramsOf } from "./agents";
import { deliver, type EnqueueResult, ensureStarted, offerWake } from "./enqueue";
import { createInstances } from "./instances";

/**
 * The due scan. `loadDue` is the `due` route: the runnable monitors (due selection is D1's
 * monitor_state.next_due_at) with the instance id each would start under this requestId.
 * `runDueScan` is what the cron does with them: one `due:<requestId>` wake-up per monitor, through
 * the same session agents as every other wake-up, and the new instances created with createBatch.
 * A repeated or overlapping scan with the same requestId names the same wake-ups and instance ids,
 * so it starts nothing twice.
 *
 * @example await runDueScan(env, { requestId: scanRequestId(controller.scheduledTime), workerId: "cron" })
 */
export const DUE_SCAN_LIMIT = 500;

export type DueEntry = DueMonitor & { instanceId: string; wakeId: string };

export async function loadDue(
  env: Pick<RuntimeEnv, "DB">,
  input: { requestId: string; limit?: number; now?: number },
): Promise<DueEntry[]> {
  const due = await dueMonitors(env.DB, input.now ?? Date.now(), Math.min(input.limit ?? 100, DUE_SCAN_LIMIT));
  const wakeId = wakeIdOf("due", input.requestId);
  return Promise.all(due.map(async (m) => ({ ...m, wakeId, instanceId: await instanceIdFor(m.workflowId, wakeId) })));
}

/** The requestId of the cron scan of one minute: overlapping runs of that minute share it. */
export function scanRequestId(scheduledTime: number): string {
  return `cron-${new Date(Math.floor(scheduledTime / 60_000) * 60_000).toISOString().slice(0, 16)}`;
}

export type ScanResult = { requestId: string; due: number; created: string[]; results: EnqueueResult[] };

export async function runDueScan(
  env: RuntimeEnv,
  input: { requestId: string; workerId: string; limit?: number; now?: number },
): Promise<ScanResult> {
  const now = input.now ?? Date.now();
  const due = await loadDue(env, { ...input, limit: input.limit ?? DUE_SCAN_LIMIT, now });
  const offers = await Promise.all(
    due.map(async (m) => {
      const wake: Wake = { wakeId: m.wakeId, reason: "due", receivedAt: now, monitorId: m.monitorId };
      return { monitor: m, wake, offer: await offerWake(env, m, wake) };
    }),
  );
  const fresh = offers.filter((o) => o.offer.delivery === "start" && !o.offer.stale && o.offer.instanceId);
  const batch = fresh.map((o) => ({ id: o.offer.instanceId ?? "", params: paramsOf(o.monitor) }));
  const { created, existing } = await createInstances(env, batch);
  const results = await Promise.all(
    offers.map(async ({ monitor, wake, offer }) => {
      const base = { workflowId: monitor.workflowId, portfolioId: monitor.portfolioId, wakeId: wake.wakeId };
      const id = offer.instanceId ?? "";
      if (created.includes(id))
        return { ...base, enqueued: true, outcome: offer.outcome, delivery: "created", instanceId: id } as const;
      if (existing.includes(id)) {
        const instanceId = await ensureStarted(env, monitor, id);
        return { ...base, enqueued: true, outcome: offer.outcome, delivery: "created", instanceId } as const;
      }
      return deliver(env, monitor, wake, offer).catch((err) => {
        // The wake-up is recorded; the session's next wake-up (or the next scan) re-drives it.
        console.error(
          JSON.stringify({
            level: "error",
            msg: "due delivery failed",
            workflowId: monitor.workflowId,
            error: String(err),
          }),
        );
        return {
          ...base,
          enqueued: true,
          outcome: offer.outcome,
          delivery: "none",
          instanceId: offer.instanceId,
        } as const;
      });
    }),
  );
  return { requestId: input.requestId, due: due.length, created, results };
}
