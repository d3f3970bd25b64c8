import { describe, expect, it } from "vitest";
import { DomainEventSchema } from "../../../shared/src/events";
import { newId } from "../../../shared/src/ids";
import { applyEvents } from "../../../shared/src/projections/apply";
import { d1Executor } from "../../../shared/src/projections/sql";
import { listMonitors, listQuery } from "../../src/registry/list-monitors";
import { renv } from "./runtime-helpers";

/**
 * GET /v1/monitors over a registry of thousands of monitors, as an operator with a big deployment
 * reads it: a stream read by a few monitors among many answers full pages, and the workflow and
 * owner filters page through an index (a page's cost does not grow with the table).
 */
type Stream = { kind: string; subject: Record<string, string> };
const price = (symbol: string): Stream => ({ kind: "market_price", subject: { symbol } });

function registered(monitorId: string, streams: Stream[], owner = "u-scale", workflowId = `wf-${monitorId}`) {
  const at = Date.parse("2026-11-22T10:00:00.000Z");
  return DomainEventSchema.parse({
    eventId: newId(at),
    type: "monitor_registered",
    schemaVersion: 1,
    aggregateType: "monitor",
    aggregateId: monitorId,
    aggregateVersion: 1,
    occurredAt: at,
    data: {
      monitorId,
      version: 1,
      workflowId,
      ownerUserId: owner,
      linkedPortfolioIds: [],
      predicate: {
        any: streams.map((stream) => ({
          stream,
          field: stream.kind === "market_price" ? "price" : "value",
          op: "gt",
          value: 1,
        })),
      },
      fire: { mode: "edge", cooldownMs: 0, once: false },
      enabled: true,
    },
  });
}

async function project(events: ReturnType<typeof registered>[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) await applyEvents(d1Executor(renv.DB), events.slice(i, i + 500));
}

const pad = (i: number) => String(i).padStart(5, "0");

describe("GET /v1/monitors at scale", () => {
  it("answers a full page of a stream's few monitors spread among thousands of others", async () => {
    const rare = 'EUR/"USD" €';
    const events = [];
    for (let i = 0; i < 3_000; i++) {
      // Every 100th monitor reads the rare stream; the others read their own.
      events.push(registered(`scale-${pad(i)}`, [price(i % 100 === 50 ? rare : `SYM-${i}`)]));
    }
    // Same strings in other streams: the kind and the symbol, but never the stream itself.
    events.push(
      registered("scale-decoy-1", [{ kind: "account_cash_usd", subject: { accountId: rare } }, price("X")]),
      registered("scale-decoy-2", [price(`${rare}!`)]),
    );
    await project(events);
    const expected = Array.from({ length: 30 }, (_, k) => `scale-${pad(k * 100 + 50)}`);

    const page = await listMonitors(renv.DB, { stream: `market_price:${encodeURIComponent(rare)}` }, 100);
    expect(page.monitors.map((m) => m.monitorId)).toEqual(expected);
    expect(page.nextCursor).toBeNull();

    // Pages of 7 walk the same 30, each once, in monitorId order.
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const next = await listMonitors(renv.DB, { stream: `market_price:${encodeURIComponent(rare)}` }, 7, cursor);
      expect(next.monitors.length).toBe(Math.min(7, 30 - walked.length));
      walked.push(...next.monitors.map((m) => m.monitorId));
      cursor = next.nextCursor ?? undefined;
    } while (cursor);
    expect(walked).toEqual(expected);
  });

  it("pages a workflow's and an owner's monitors through an index, in monitorId order", async () => {
    await project(
      Array.from({ length: 40 }, (_, i) =>
        registered(`own-${pad(39 - i)}`, [price("OWN")], `u-own-${i % 2}`, "wf-own"),
      ),
    );
    const walk = async (filters: { workflowId?: string; ownerUserId?: string }) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listMonitors(renv.DB, filters, 6, cursor);
        ids.push(...page.monitors.map((m) => m.monitorId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const all = Array.from({ length: 40 }, (_, i) => `own-${pad(i)}`);
    expect(await walk({ workflowId: "wf-own" })).toEqual(all);
    expect(await walk({ ownerUserId: "u-own-1" })).toEqual(all.filter((_, i) => (39 - i) % 2 === 1));

    const plan = async (filters: { workflowId?: string; ownerUserId?: string }) => {
      const { sql, binds } = listQuery(filters, Date.now());
      const { results } = await renv.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...binds, "", 7)
        .all<{ detail: string }>();
      return results.map((r) => r.detail).join("\n");
    };
    // The index finds the page where the cursor left off: no scan of the table, no sort of the workflow.
    const byWorkflow = await plan({ workflowId: "wf-own" });
    expect(byWorkflow).toMatch(/USING INDEX monitors_by_workflow\S* \(workflow_id=\? AND monitor_id>\?\)/);
    expect(byWorkflow).not.toContain("TEMP B-TREE");
    expect(await plan({ ownerUserId: "u-own-1" })).toMatch(
      /USING INDEX monitors_by_owner\S* \(owner_user_id=\? AND monitor_id>\?\)/,
    );
  });
});
