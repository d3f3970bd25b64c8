/**
 * Projections are pure: an event becomes SQL statements against a *table set*, so the same code
 * writes the live tables or a rebuild's `<name>__shadow` tables. An executor runs them: D1 in the
 * Worker, `node:sqlite` in tests and benches.
 *
 * @example await d1Executor(env.DB).batch(applyStatements(events, LIVE, Date.now()));
 */

export type SqlValue = string | number | null;
export type SqlStatement = { sql: string; params: SqlValue[] };

/** Runs statements; `batch` is atomic (one transaction): all or nothing. */
export interface SqlExecutor {
  all<T = Record<string, SqlValue>>(statement: SqlStatement): Promise<T[]>;
  batch(statements: SqlStatement[]): Promise<void>;
}

/** The tables a rebuild recreates and swaps; event_log and rebuild bookkeeping stay put. */
export const PROJECTION_TABLES = [
  "monitors",
  "monitor_streams",
  "monitor_state",
  "trigger_matches",
  "workflow_execution_refs",
  "projection_checkpoints",
] as const;
export type ProjectionTable = (typeof PROJECTION_TABLES)[number];

/** Projections with a checkpoint row each (projection_checkpoints is their bookkeeping). */
export const PROJECTIONS = ["monitors", "monitor_state", "trigger_matches", "workflow_execution_refs"] as const;
export type Projection = (typeof PROJECTIONS)[number];

/**
 * A table set and how its statements are kept idempotent:
 * - `log` (live): an event is projected only if its eventId is not yet in event_log; the
 *   event_log insert comes after its projection statements in the same batch, so "projected"
 *   and "logged" are one atomic fact and a redelivered event changes nothing.
 * - `checkpoint` (shadow): events come from event_log with their seq; a statement applies only
 *   if seq is past the shadow checkpoint, which the same batch advances, so a retried chunk is a
 *   no-op.
 */
export type TableSet = { names: Record<ProjectionTable, string>; guard: "log" | "checkpoint" };

function tableSet(suffix: string, guard: TableSet["guard"]): TableSet {
  const names = Object.fromEntries(PROJECTION_TABLES.map((t) => [t, `${t}${suffix}`])) as Record<
    ProjectionTable,
    string
  >;
  return { names, guard };
}

export const LIVE: TableSet = tableSet("", "log");
export const SHADOW: TableSet = tableSet("__shadow", "checkpoint");

/** Where an event sits: its id, and its event_log seq when it was read from the log. */
export type EventPosition = { eventId: string; seq?: number };

/** The SQL condition "this event is not yet applied to `projection` in this table set". */
export function notApplied(tables: TableSet, projection: Projection, at: EventPosition): SqlStatement {
  if (tables.guard === "log") {
    return { sql: "NOT EXISTS (SELECT 1 FROM event_log WHERE event_id = ?)", params: [at.eventId] };
  }
  if (at.seq === undefined) throw new Error("a checkpoint-guarded table set needs the event's seq");
  return {
    sql: `? > (SELECT last_seq FROM ${tables.names.projection_checkpoints} WHERE projection = ?)`,
    params: [at.seq, projection],
  };
}

/** A D1 database as an executor. */
export function d1Executor(db: D1Database): SqlExecutor {
  return {
    async all<T>(s: SqlStatement): Promise<T[]> {
      const result = await db
        .prepare(s.sql)
        .bind(...s.params)
        .all<T>();
      return result.results;
    },
    async batch(statements: SqlStatement[]): Promise<void> {
      if (statements.length === 0) return;
      await db.batch(statements.map((s) => db.prepare(s.sql).bind(...s.params)));
    },
  };
}

const sqlCache = new WeakMap<TableSet, Map<string, string>>();

/**
 * SQL text depends only on the table set and the statement kind: build it once, so executors that
 * cache prepared statements by text (node:sqlite here) hit with one pointer comparison.
 */
export function cachedSql(tables: TableSet, key: string, build: () => string): string {
  let byKey = sqlCache.get(tables);
  if (!byKey) {
    byKey = new Map();
    sqlCache.set(tables, byKey);
  }
  let sql = byKey.get(key);
  if (sql === undefined) {
    sql = build();
    byKey.set(key, sql);
  }
  return sql;
}
