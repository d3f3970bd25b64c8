import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../../shared/src/events";
import { applyEvents } from "../../../shared/src/projections/apply";
import { type SqliteExecutor, sqliteExecutor } from "../../../shared/src/projections/sqlite-executor";
import { startRebuildStatement } from "../../src/rebuild/shadow";
import { runRebuild } from "../../src/rebuild/steps";
import { dump, freshDb } from "./helpers";

// A deployment's database as the code of commit efdb1c2 left it (migrations 0001–0006, a populated
// registry, matches, ticks, an expiry, a removal, and one rebuild run by that code, whose tables
// and tagged indexes replaced the migrations' own): fixtures/README.md says how it was made. An
// upgrade applies the later migrations to it and a rebuild replays its event log: today's code
// must read that log into exactly the projections the old code kept, so a future schema or event
// change cannot silently break old logs.

const FIXTURES = resolve(import.meta.dirname, "../fixtures");
const MIGRATIONS = resolve(import.meta.dirname, "../../../migrations");

/** The old database, upgraded as `wrangler d1 migrations apply` does: each migration not yet recorded, in order. */
function upgradedOldDatabase(): { db: SqliteExecutor; applied: string[] } {
  const db = new DatabaseSync(":memory:");
  db.exec(readFileSync(resolve(FIXTURES, "efdb1c2-d1.sql"), "utf8"));
  const done = new Set((db.prepare("SELECT name FROM d1_migrations").all() as { name: string }[]).map((r) => r.name));
  const applied: string[] = [];
  for (const name of readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    if (done.has(name)) continue;
    db.exec(readFileSync(resolve(MIGRATIONS, name), "utf8"));
    db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").run(name);
    applied.push(name);
  }
  return { db: sqliteExecutor(db), applied };
}

async function rebuild(db: SqliteExecutor, id: string): Promise<void> {
  await db.batch([startRebuildStatement(id, ["all"], 0)]);
  const result = await runRebuild(db, id, { limit: 7 });
  expect(result.done).toBe(true);
}

function loggedEvents(db: SqliteExecutor): DomainEvent[] {
  const rows = db.db.prepare("SELECT body FROM event_log ORDER BY seq").all() as { body: string }[];
  return rows.map((r) => JSON.parse(r.body) as DomainEvent);
}

/** The projections without the checkpoints (log positions differ between two logs of the same events). */
function projections(db: SqliteExecutor): Record<string, unknown[]> {
  const { projection_checkpoints: _, ...tables } = dump(db);
  return tables;
}

describe("a database written by the code of commit efdb1c2", () => {
  it("takes the migrations added since, and a rebuild from its event log gives the projections the old code kept", async () => {
    const { db, applied } = upgradedOldDatabase();
    expect(applied).toEqual([
      "0007_wake_coalescing.sql",
      "0008_monitor_list_indexes.sql",
      "0009_monitor_streams.sql",
      "0010_due_scan_skips_stopped.sql",
      "0011_dead_letter_order.sql",
      "0012_served_ticks.sql",
      "0013_match_history_retention.sql",
      "0014_consumer_failures.sql",
      "0015_tick_history_retention.sql",
    ]);
    const migrated = dump(db);
    // 0009 adds monitor_streams empty (a stream key cannot be computed in SQL): the rebuild fills it.
    expect(migrated.monitor_streams).toEqual([]);
    await rebuild(db, "upgrade");
    const rebuilt = dump(db);
    expect({ ...rebuilt, monitor_streams: [] }).toEqual(migrated);
    expect(rebuilt.monitor_streams).toEqual(
      EXPECTED_STREAMS.map(([monitor_id, stream_key]) => ({
        monitor_id,
        stream_key,
        definition_version: monitor_id === "m-updated" ? 2 : 1,
      })),
    );
    // A second rebuild (over the tables and index names the first one left) changes nothing.
    await rebuild(db, "again");
    expect(dump(db)).toEqual(rebuilt);
  });

  it("holds what the old fabric answered: its matches, ticks, a removed, a disabled and an expired monitor", () => {
    const { db } = upgradedOldDatabase();
    const count = (sql: string) => (db.db.prepare(sql).get() as { n: number }).n;
    expect(count("SELECT COUNT(*) AS n FROM event_log")).toBe(56);
    expect(count("SELECT COUNT(*) AS n FROM trigger_matches")).toBe(19);
    expect(count("SELECT SUM(tick_count) AS n FROM monitor_state")).toBe(19);
    const stopped = db.db
      .prepare(
        `SELECT m.monitor_id, m.removed, m.enabled, m.expired_version, s.stopped FROM monitors m
         JOIN monitor_state s USING (monitor_id) WHERE s.stopped = 1 ORDER BY m.monitor_id`,
      )
      .all();
    expect(stopped).toEqual([
      { monitor_id: "m-disabled", removed: 0, enabled: 0, expired_version: 0, stopped: 1 },
      { monitor_id: "m-expired", removed: 0, enabled: 1, expired_version: 1, stopped: 1 },
      { monitor_id: "m-removed", removed: 1, enabled: 1, expired_version: 0, stopped: 1 },
    ]);
  });

  it("its event log, projected event by event by today's projector into a new database, gives the same projections", async () => {
    const { db } = upgradedOldDatabase();
    await rebuild(db, "upgrade");
    const fresh = freshDb();
    const events = loggedEvents(db);
    // Twice, the second delivery in reverse: the projector is idempotent and order-free.
    await applyEvents(fresh, events);
    await applyEvents(fresh, [...events].reverse());
    expect(projections(fresh)).toEqual(projections(db));
  });

  it("numbers the dead letters recorded before 0011 in their recording order, and later ones after them", () => {
    const db = new DatabaseSync(":memory:");
    db.exec(readFileSync(resolve(FIXTURES, "efdb1c2-d1.sql"), "utf8"));
    // Rows as the old DLQ consumers wrote them (no seq column yet).
    const insert = db.prepare(
      "INSERT INTO dead_letters (id, source_queue, reason, attempts, body, failed_at) VALUES (?, ?, 'x', 3, '{}', ?)",
    );
    insert.run("f1", "facts", 30);
    insert.run("e1", "events", 10);
    insert.run("f2", "facts", 20);
    for (const name of readdirSync(MIGRATIONS)
      .filter((f) => f > "0007" && f.endsWith(".sql"))
      .sort()) {
      db.exec(readFileSync(resolve(MIGRATIONS, name), "utf8"));
    }
    insert.run("f3", "facts", 5);
    const seqs = db.prepare("SELECT id, seq FROM dead_letters WHERE source_queue = 'facts' ORDER BY seq").all();
    expect(seqs.map((r) => r.id)).toEqual(["f1", "f2", "f3"]);
  });
});

/** The streams each monitor's definition in force reads (operands' too; none for the removed one). */
const EXPECTED_STREAMS = [
  ["m-any", "market_candles:SOL-USD"],
  ["m-any", "market_price:SOL-USD"],
  ["m-any", "portfolio_held_asset_metrics:pf_1/BTC"],
  ["m-change", "market_price:BTC-USD"],
  ["m-disabled", "market_price:BTC-USD"],
  ["m-due", "portfolio_nav_usd:pf_2"],
  ["m-edge", "market_price:BTC-USD"],
  ["m-expired", "market_price:ETH-USD"],
  ["m-for", "account_cash_usd:acct_1"],
  ["m-hyst", "market_price:BTC-USD"],
  ["m-level", "market_price:ETH-USD"],
  ["m-once", "market_price:SOL-USD"],
  ["m-rel", "market_price:BTC-USD"],
  ["m-rel", "market_price:ETH-USD"],
  ["m-rsi", "market_price:SOL-USD"],
  ["m-sma", "market_price:BTC-USD"],
  ["m-updated", "market_price:BTC-USD"],
];
