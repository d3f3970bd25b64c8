import type { RuntimeEnv } from "../env";

/**
 * The clock side of monitor expiry (DESIGN §8): the minute cron (and `POST …/due-scan`, which
 * runs the cron's work on demand) finds the monitors whose expiresAt has passed and whose
 * monitor_expired is not yet recorded, and asks each one's MonitorRegistry to record it. The
 * registry decides (once per version, deterministic eventId) and records it through its log, the
 * D1 projections and Queue "events", like every registry event.
 *
 * Why the cron rather than an alarm on each MonitorRegistry: reads never wait for the event (they
 * compare expiresAt with now), so the event only has to be recorded soon, and a minute is soon;
 * the registry's one alarm already retries pending effects; and a scan also covers monitors
 * registered with expiresAt before this code existed, which no alarm was ever set for. The scan
 * is one query on a partial index that holds only the not-yet-recorded expiries.
 *
 * @example await expireDue(env, Date.now()) // { expired: ["btc-100k"], pending: 0 }
 */
export const EXPIRY_SCAN_LIMIT = 500;
/** Registry calls in flight at once (each is one Durable Object request). */
const PARALLEL = 25;

export type ExpiryScanResult = { expired: string[]; pending: number };

export async function expireDue(
  env: Pick<RuntimeEnv, "DB" | "REGISTRY">,
  now: number,
  limit = EXPIRY_SCAN_LIMIT,
): Promise<ExpiryScanResult> {
  const { results } = await env.DB.prepare(
    `SELECT monitor_id FROM monitors
  WHERE expires_at IS NOT NULL AND removed = 0 AND expired_version < definition_version AND expires_at <= ?
  ORDER BY expires_at LIMIT ?`,
  )
    .bind(now, limit)
    .all<{ monitor_id: string }>();
  const expired: string[] = [];
  let pending = 0;
  for (let i = 0; i < results.length; i += PARALLEL) {
    const outcomes = await Promise.allSettled(
      results.slice(i, i + PARALLEL).map(async ({ monitor_id }) => {
        const stub = env.REGISTRY.get(env.REGISTRY.idFromName(monitor_id));
        return { monitorId: monitor_id, result: await stub.expire(monitor_id) };
      }),
    );
    for (const o of outcomes) {
      if (o.status === "fulfilled" && o.value.result.ok) {
        if (o.value.result.changed) expired.push(o.value.monitorId);
      } else {
        // Recorded but not yet projected, or the call failed: the next minute's scan asks again.
        pending++;
      }
    }
  }
  return { expired, pending };
}
