import { DurableObject } from "cloudflare:workers";
import type { RuntimeEnv } from "../env";
import type { SessionMirror } from "./session/session-store";

/**
 * One per user (the monitor's ownerUserId): a read model of that user's monitor sessions, copied
 * from the PortfolioAgent after every step that changes one. Last write by `updatedAt` wins, so a
 * late or repeated copy never moves a session backwards.
 */
export class UserAgent extends DurableObject<RuntimeEnv> {
  constructor(ctx: DurableObjectState, env: RuntimeEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS sessions (workflow_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL)",
    );
  }

  mirror(session: SessionMirror): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO sessions (workflow_id, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (workflow_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= sessions.updated_at`,
      session.workflowId,
      JSON.stringify(session),
      session.updatedAt,
    );
  }

  sessions(): SessionMirror[] {
    return this.ctx.storage.sql
      .exec<{ body: string }>("SELECT body FROM sessions ORDER BY workflow_id")
      .toArray()
      .map((r) => JSON.parse(r.body) as SessionMirror);
  }
}
