import { env, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { DedupeLedger } from "../../src/dedupe-ledger";
import type { IngestEnv } from "../../src/env";
import { clearSink, priceFact, push, waitForLanded } from "./helpers";

type Answer = {
  accepted: number;
  duplicates: number;
  eventIds: string[];
  conflicts?: { index: number; dedupeKey: string; eventId: string }[];
};
const answer = async (body: unknown): Promise<Answer> => {
  const res = await push(body);
  expect(res.status).toBe(202);
  return (await res.json()) as Answer;
};
const ledgers = () => (env as unknown as IngestEnv).DEDUPE;

describe("POST /v1/facts names duplicates whose content differs (conflicts)", () => {
  beforeEach(clearSink);

  it("names a reused key with other content, with the recorded eventId, and records only the first fact", async () => {
    const first = await answer({ facts: [priceFact(1, { dedupeKey: "tick:BTC:10:00" })] });
    expect(first.conflicts).toBeUndefined();
    const again = await answer({
      facts: [
        priceFact(5, { dedupeKey: "tick:BTC:10:01" }),
        priceFact(2, { dedupeKey: "tick:BTC:10:00" }), // same minute, another tick: the key is reused
      ],
    });
    expect(again).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(again.eventIds[1]).toBe(first.eventIds[0]);
    expect(again.conflicts).toEqual([{ index: 1, dedupeKey: "tick:BTC:10:00", eventId: first.eventIds[0] }]);
    const landed = await waitForLanded(2);
    expect(landed.map((f) => [f.dedupeKey, f.data])).toEqual([
      ["tick:BTC:10:00", { price: 101 }],
      ["tick:BTC:10:01", { price: 105 }],
    ]);
  });

  it("does not name a true retry: same key, same content (keys in another order, observedAt as text)", async () => {
    const fact = priceFact(3, { dedupeKey: "retry:3" });
    await answer({ facts: [fact] });
    await waitForLanded(1);
    const reordered = {
      data: fact.data,
      dedupeKey: "retry:3",
      observedAt: new Date(fact.observedAt).toISOString(),
      subject: fact.subject,
      kind: fact.kind,
    };
    const retry = await answer({ facts: [reordered] });
    expect(retry).toEqual({ accepted: 0, duplicates: 1, eventIds: retry.eventIds });
    expect(retry.conflicts).toBeUndefined();
  });

  it("names the second of two facts in one request sharing a key with different content", async () => {
    const body = await answer({
      facts: [
        priceFact(7, { dedupeKey: "same-req" }),
        priceFact(7, { dedupeKey: "same-req" }),
        priceFact(8, { dedupeKey: "same-req" }),
      ],
    });
    expect(body).toMatchObject({ accepted: 1, duplicates: 2 });
    expect(body.conflicts).toEqual([{ index: 2, dedupeKey: "same-req", eventId: body.eventIds[0] }]);
    await new Promise((r) => setTimeout(r, 300));
    const landed = (await waitForLanded(1)).filter((f) => f.dedupeKey === "same-req");
    expect(landed.map((f) => f.data)).toEqual([{ price: 107 }]);
  });

  it("keeps a ledger from before digests: adds the column, and its rows are never a conflict", async () => {
    const ledger = ledgers().get(ledgers().idFromName(`legacy-${crypto.randomUUID()}:0`));
    await runInDurableObject(ledger, (_instance: DedupeLedger, state) => {
      state.storage.sql.exec(`CREATE TABLE ledger (
        dedupe_key TEXT PRIMARY KEY, event_id TEXT NOT NULL, state TEXT NOT NULL,
        request_id TEXT NOT NULL, lease_until INTEGER NOT NULL, created_at INTEGER NOT NULL)`);
      state.storage.sql.exec(
        "INSERT INTO ledger VALUES ('old-key', '01OLD', 'committed', 'old-request', 0, ?)",
        Date.now(),
      );
    });
    const outcome = await ledger.reserve(
      "req-1",
      [
        { key: "old-key", eventId: "01MINE", digest: "d-other" },
        { key: "new-key", eventId: "01NEW", digest: "d-new" },
      ],
      30_000,
      60_000,
    );
    expect(outcome.results).toEqual([
      { key: "old-key", status: "duplicate", eventId: "01OLD" },
      { key: "new-key", status: "new", eventId: "01NEW" },
    ]);
    await ledger.settle("req-1", true);
    const again = await ledger.reserve("req-2", [{ key: "new-key", eventId: "01X", digest: "d-x" }], 30_000, 60_000);
    expect(again.results).toEqual([{ key: "new-key", status: "duplicate", eventId: "01NEW", recordedDigest: "d-new" }]);
    const rows = await runInDurableObject(ledger, (_instance: DedupeLedger, state) =>
      state.storage.sql
        .exec<{ dedupe_key: string; content_digest: string | null }>(
          "SELECT dedupe_key, content_digest FROM ledger ORDER BY dedupe_key",
        )
        .toArray(),
    );
    expect(rows).toEqual([
      { dedupe_key: "new-key", content_digest: "d-new" },
      { dedupe_key: "old-key", content_digest: null },
    ]);
  });
});
