import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { TickRow } from "./burst-accounting";

/**
 * load:burst's view of a local fabric's persisted state, read-only (Node 22's node:sqlite on the
 * SQLite files that wrangler dev keeps under its --persist-to folder): the matcher shards' outboxes
 * (when each match was acknowledged by notify-trigger-match) and D1's event log (when each
 * workflow ticked).
 *
 * Why files and not routes: no route answers "which of these N matches were acknowledged, which
 * workflows ticked, and when" in one call (GET /v1/admin/stats has counts but no times; a
 * monitor's tick is one GET /v1/monitors/{id} or one agent read per workflow), and polling N
 * routes during the burst would load the very Worker and Durable Objects being measured. A
 * read-only SQLite reader in another process takes no time in workerd's event loop. Local only:
 * this is how the bench observes, not something the fabric offers.
 *
 * @example const state = new LocalState(fabric.persistTo); state.outbox(eventId); state.ticks("wf-burst-")
 */
export type OutboxRow = { matchId: string; deliveredAt: number | null; attempts: number; lastError: string | null };

export class LocalState {
  private readonly open = new Map<string, DatabaseSync | null>();

  constructor(private readonly persistTo: string) {}

  /** Every outbox row (all shards) of the matches one fact caused: matchIds end in `~<eventId>`. */
  outbox(eventId: string): OutboxRow[] {
    const rows: OutboxRow[] = [];
    for (const db of this.databases("v3/do/fabric-matcher-MatcherShard", "outbox")) {
      const found = db
        .prepare(
          `SELECT match_id AS matchId, delivered_at AS deliveredAt, attempts, last_error AS lastError
           FROM outbox WHERE match_id LIKE ?`,
        )
        .all(`%~${eventId}`) as OutboxRow[];
      rows.push(...found);
    }
    return rows;
  }

  /** How many of those matches notify-trigger-match has acknowledged (cheap enough to poll). */
  deliveredCount(eventId: string): number {
    let n = 0;
    for (const db of this.databases("v3/do/fabric-matcher-MatcherShard", "outbox")) {
      const row = db
        .prepare("SELECT COUNT(*) AS n FROM outbox WHERE match_id LIKE ? AND delivered_at IS NOT NULL")
        .get(`%~${eventId}`) as { n: number };
      n += row.n;
    }
    return n;
  }

  /** How many `tick_executed` events of those workflows are recorded (cheap enough to poll). */
  tickCount(prefix: string): number {
    let n = 0;
    for (const db of this.databases("v3/d1/miniflare-D1DatabaseObject", "event_log")) {
      const row = db
        .prepare("SELECT COUNT(*) AS n FROM event_log WHERE type = 'tick_executed' AND aggregate_id LIKE ?")
        .get(`${prefix}%`) as { n: number };
      n += row.n;
    }
    return n;
  }

  /** The recorded `tick_executed` events of workflows whose id starts with `prefix`. */
  ticks(prefix: string): TickRow[] {
    const rows: TickRow[] = [];
    for (const db of this.databases("v3/d1/miniflare-D1DatabaseObject", "event_log")) {
      const found = db
        .prepare("SELECT body FROM event_log WHERE type = 'tick_executed' AND aggregate_id LIKE ?")
        .all(`${prefix}%`) as { body: string }[];
      for (const { body } of found) {
        const e = JSON.parse(body) as {
          eventId: string;
          data: { workflowId: string; tickId: string; tickedAt: number; reason: string; matchIds?: string[] };
        };
        const { workflowId, tickId, tickedAt, reason, matchIds } = e.data;
        rows.push({ eventId: e.eventId, workflowId, tickId, tickedAt, reason, ...(matchIds ? { matchIds } : {}) });
      }
    }
    return rows;
  }

  close(): void {
    for (const db of this.open.values()) db?.close();
    this.open.clear();
  }

  /** The SQLite files of one local storage folder that hold `table` (opened once, read-only). */
  private databases(folder: string, table: string): DatabaseSync[] {
    const dir = join(this.persistTo, folder);
    if (!existsSync(dir)) return [];
    const out: DatabaseSync[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
      const path = join(dir, file);
      if (!this.open.has(path)) {
        const db = new DatabaseSync(path, { readOnly: true });
        const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
        // A file without the table now may get it later (a shard's first monitor): look again next time.
        if (!has) {
          db.close();
          continue;
        }
        this.open.set(path, db);
      }
      const db = this.open.get(path);
      if (db) out.push(db);
    }
    return out;
  }
}
