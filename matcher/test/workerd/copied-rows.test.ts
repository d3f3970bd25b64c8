import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { menv, priceFacts } from "./helpers";

/**
 * Facts a shard applies through importFacts (a followed stream's history, copied from its owner)
 * are logged as copied; delivered ones are not. A shard whose log predates the flag gets the
 * column when it starts, with its rows read as delivered.
 */
describe("copied rows in a shard's fact log", () => {
  it("adds the copied column to a log from before it, and marks only what importFacts logged", async () => {
    const stub = menv.SHARDS.get(menv.SHARDS.idFromName("copied-rows-upgrade"));
    const [old] = priceFacts("UPG", [1]);
    // The facts table as a shard created it before copied rows were marked, with one fact in it.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(`CREATE TABLE facts (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
        stream_key TEXT NOT NULL, observed_at INTEGER NOT NULL, stale INTEGER NOT NULL, received_at INTEGER NOT NULL, fact TEXT NOT NULL)`);
      state.storage.sql.exec(
        "INSERT INTO facts (event_id, stream_key, observed_at, stale, received_at, fact) VALUES (?, ?, ?, 0, 0, ?)",
        old?.eventId,
        old?.streamKey,
        old?.observedAt,
        JSON.stringify(old),
      );
    });
    const copied = priceFacts("CPY", [5, 6]);
    const delivered = priceFacts("UPG", [2, 3]);
    expect((await stub.importFacts(copied)).applied).toBe(2);
    expect((await stub.applyFacts(delivered)).applied).toBe(2);
    expect((await stub.importFacts(delivered)).duplicates).toBe(2); // known: stays delivered
    const rows = await runInDurableObject(stub, (_instance, state) => ({
      facts: state.storage.sql
        .exec<{ event_id: string; copied: number }>("SELECT event_id, copied FROM facts ORDER BY seq")
        .toArray(),
      streams: state.storage.sql.exec<{ stream_key: string }>("SELECT stream_key FROM copied_streams").toArray(),
    }));
    expect(rows.facts).toEqual([
      { event_id: old?.eventId, copied: 0 },
      ...copied.map((f) => ({ event_id: f.eventId, copied: 1 })),
      ...delivered.map((f) => ({ event_id: f.eventId, copied: 0 })),
    ]);
    expect(rows.streams).toEqual([{ stream_key: "market_price:CPY" }]);
    // Restarted, the upgraded table is left as it is.
    await abortAllDurableObjects();
    const again = menv.SHARDS.get(menv.SHARDS.idFromName("copied-rows-upgrade"));
    expect((await again.exportFacts(["market_price:UPG"])).map((f) => f.eventId)).toEqual(
      [old, ...delivered].map((f) => f?.eventId),
    );
  });
});
