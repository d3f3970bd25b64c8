import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { PROJECTION_TABLES } from "../../../shared/src/projections/sql";
import { type SqliteExecutor, sqliteExecutor } from "../../../shared/src/projections/sqlite-executor";

export const MIGRATION = resolve(import.meta.dirname, "../../../migrations/0001_event_log_and_projections.sql");
const MIGRATIONS_DIR = resolve(import.meta.dirname, "../../../migrations");

/** Every migration's SQL, in the order wrangler applies them (file name order). */
export function allMigrations(): string {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  return files.map((f) => readFileSync(resolve(MIGRATIONS_DIR, f), "utf8")).join("\n");
}

/** An in-memory D1 stand-in with the real migrations applied. */
export function freshDb(): SqliteExecutor {
  const db = new DatabaseSync(":memory:");
  db.exec(allMigrations());
  return sqliteExecutor(db);
}

const ORDER: Record<string, string> = {
  monitors: "monitor_id",
  monitor_streams: "monitor_id, stream_key",
  monitor_state: "monitor_id",
  trigger_matches: "match_id",
  workflow_execution_refs: "ref_kind, ref_value",
  projection_checkpoints: "projection",
};

/** Every projection table's rows, sorted (checkpoints without their wall-clock updated_at). */
export function dump(x: SqliteExecutor): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of PROJECTION_TABLES) {
    const columns = t === "projection_checkpoints" ? "projection, last_seq" : "*";
    out[t] = x.db.prepare(`SELECT ${columns} FROM ${t} ORDER BY ${ORDER[t]}`).all();
  }
  return out;
}

/** Index definitions per live table, by columns (names change across rebuilds; shape must not). */
export function indexShapes(x: SqliteExecutor): string[] {
  const rows = x.db
    .prepare("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    .all() as { tbl_name: string; name: string; sql: string }[];
  return rows
    .filter((r) => (PROJECTION_TABLES as readonly string[]).includes(r.tbl_name))
    .map((r) => `${r.tbl_name}: ${r.sql.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+/, "")}`)
    .sort();
}
