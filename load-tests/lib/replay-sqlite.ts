import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/**
 * bench:replay's SQLite files (Node 22's built-in `node:sqlite`, no native addon): the schema, the
 * settings every file gets, and the raw-insert baseline the rebuild is compared with.
 *
 * @example const db = openReplayDb(path); db.exec(MIGRATION);
 */
const MIGRATIONS_DIR = join(import.meta.dirname, "../../migrations");
/** Every migration in file-name order, as wrangler applies them (0006 adds monitors' expiry columns). */
export const MIGRATION = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith(".sql"))
  .sort()
  .map((f) => readFileSync(join(MIGRATIONS_DIR, f), "utf8"))
  .join("\n");
export const LOG_INSERT =
  "INSERT INTO event_log (event_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, schema_version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/** A database file with the same settings as every other here (WAL, fsync at checkpoints only). */
export function openReplayDb(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;");
  return db;
}

export const tableRows = (db: DatabaseSync, table: string) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Deletes a database file and its WAL and shared-memory files. */
export function removeDb(path: string): void {
  for (const s of ["", "-wal", "-shm"]) rmSync(path + s, { force: true });
}

/**
 * The raw limit: `logDb`'s event_log rows, read back `chunk` at a time (read time not counted) and
 * inserted with one prepared statement into a fresh event_log (same schema and indexes) at
 * `rawPath`, in one transaction. Returns the seconds the inserts and the commit took.
 */
export function rawInsertSeconds(logDb: DatabaseSync, rawPath: string, chunk: number): number {
  const raw = openReplayDb(rawPath);
  raw.exec(MIGRATION);
  const insert = raw.prepare(LOG_INSERT);
  const read = logDb.prepare(
    "SELECT seq, event_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, schema_version, body FROM event_log WHERE seq > ? ORDER BY seq LIMIT ?",
  );
  let ns = 0n;
  let after = 0;
  raw.exec("BEGIN");
  for (;;) {
    const rows = read.all(after, chunk) as Record<string, string | number>[];
    if (rows.length === 0) break;
    const t = process.hrtime.bigint();
    for (const r of rows) {
      insert.run(
        r.event_id ?? "",
        r.type ?? "",
        r.aggregate_type ?? "",
        r.aggregate_id ?? "",
        r.aggregate_version ?? 0,
        r.occurred_at ?? 0,
        r.schema_version ?? 1,
        r.body ?? "",
      );
    }
    ns += process.hrtime.bigint() - t;
    after = Number(rows.at(-1)?.seq);
  }
  const t = process.hrtime.bigint();
  raw.exec("COMMIT");
  ns += process.hrtime.bigint() - t;
  raw.close();
  return Number(ns) / 1e9;
}
