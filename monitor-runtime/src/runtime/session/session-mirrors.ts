import type { SessionMirror } from "./session-store";

/**
 * A read model of monitor sessions owned elsewhere: the copies a UserAgent (its owner's sessions)
 * and a linked PortfolioAgent (its portfolio's sessions) keep. One row per workflowId; the copy
 * with the later `updatedAt` wins (the owner makes it strictly increase), so a late or repeated
 * copy never moves a session backwards.
 *
 * @example new SessionMirrors(ctx.storage.sql, "sessions").put(mirror)
 */
export class SessionMirrors {
  constructor(
    private readonly sql: SqlStorage,
    private readonly table: "sessions" | "mirrored_sessions",
  ) {
    sql.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (workflow_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
    );
  }

  put(session: SessionMirror): void {
    this.sql.exec(
      `INSERT INTO ${this.table} (workflow_id, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (workflow_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= ${this.table}.updated_at`,
      session.workflowId,
      JSON.stringify(session),
      session.updatedAt,
    );
  }

  list(): SessionMirror[] {
    return this.sql
      .exec<{ body: string }>(`SELECT body FROM ${this.table} ORDER BY workflow_id`)
      .toArray()
      .map((r) => JSON.parse(r.body) as SessionMirror);
  }
}
