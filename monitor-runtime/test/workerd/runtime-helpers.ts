import { env } from "cloudflare:workers";
import { DomainEventSchema } from "../../../shared/src/events";
import { newId } from "../../../shared/src/ids";
import { applyEvents } from "../../../shared/src/projections/apply";
import { d1Executor } from "../../../shared/src/projections/sql";
import { self } from "../../../test-fixtures/self";
import type { RuntimeEnv } from "../../src/env";
import type { SessionMirror } from "../../src/runtime/session/session-store";

/** Helpers of the monitor-runtime workerd tests: admin calls, D1 seeding through the projector. */
export const renv = env as unknown as RuntimeEnv;
export const ADMIN = { authorization: "Bearer dev-admin-token", "content-type": "application/json" };
export const CP = "/v1/admin/control-plane/workflow-monitors";

export type Json = Record<string, unknown> & { errors?: { path: string; message: string }[] };

export async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) {
  const res = await self().fetch(`http://runtime${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    // not JSON
  }
  return { status: res.status, json, type: res.headers.get("content-type") ?? "" };
}

export const post = (path: string, body: unknown, headers?: Record<string, string>) =>
  call("POST", path, body, headers);

export type Seed = {
  monitorId: string;
  workflowId?: string;
  ownerUserId?: string;
  linkedPortfolioIds?: string[];
  checkIntervalMs?: number;
  enabled?: boolean;
};

/** Register a monitor the way the registry does: a monitor_registered event through the projector. */
export async function seedMonitor(s: Seed, version = 1): Promise<void> {
  const now = Date.now();
  const event = DomainEventSchema.parse({
    eventId: newId(now),
    type: version === 1 ? "monitor_registered" : "monitor_updated",
    schemaVersion: 1,
    aggregateType: "monitor",
    aggregateId: s.monitorId,
    aggregateVersion: version,
    occurredAt: now,
    data: {
      monitorId: s.monitorId,
      version,
      workflowId: s.workflowId ?? `wf-${s.monitorId}`,
      ownerUserId: s.ownerUserId ?? "u-1",
      linkedPortfolioIds: s.linkedPortfolioIds ?? [`pf-${s.monitorId}`],
      predicate: {
        stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
        field: "price",
        op: "gt",
        value: 1,
      },
      fire: { mode: "edge", cooldownMs: 0, once: false },
      enabled: s.enabled ?? true,
      ...(s.checkIntervalMs ? { checkIntervalMs: s.checkIntervalMs } : {}),
    },
  });
  await applyEvents(d1Executor(renv.DB), [event]);
}

export async function stateOf(monitorId: string) {
  return renv.DB.prepare("SELECT * FROM monitor_state WHERE monitor_id = ?").bind(monitorId).first<{
    tick_count: number;
    last_tick_reason: string | null;
    last_tick_at: number | null;
    next_due_at: number | null;
  }>();
}

export async function portfolioSessions(portfolioId: string): Promise<SessionMirror[]> {
  const r = await call("GET", `/v1/admin/agents/portfolios/${encodeURIComponent(portfolioId)}`);
  return (r.json.sessions ?? []) as SessionMirror[];
}

export async function userSessions(userId: string): Promise<SessionMirror[]> {
  const r = await call("GET", `/v1/admin/agents/users/${encodeURIComponent(userId)}`);
  return (r.json.sessions ?? []) as SessionMirror[];
}

export async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const pricePacket = (price: unknown) => ({
  kind: "market_price",
  subject: { symbol: "BTC-USD" },
  observedAt: "2026-11-22T10:00:00.000Z",
  data: { price },
});

/** A tick_executed event's data, as the ticks of a workflow are recorded in event_log. */
export type TickData = { tickId: string; reason: string; matchIds?: string[] };

/** The ticks recorded for a workflow, oldest first. */
export async function ticksOf(workflowId: string): Promise<TickData[]> {
  const rows = await renv.DB.prepare(
    "SELECT body FROM event_log WHERE type = 'tick_executed' AND aggregate_id = ? ORDER BY event_id",
  )
    .bind(workflowId)
    .all<{ body: string }>();
  return rows.results.map((r) => (JSON.parse(r.body) as { data: TickData }).data);
}
