/** Bindings of the projector Worker (see wrangler.jsonc). */
export interface ProjectorEnv {
  DB: D1Database;
  EVENTS_QUEUE: Queue<unknown>;
  EVENTS_DLQ: Queue<unknown>;
  REBUILD_WORKFLOW: Workflow<{ rebuildId: string }>;
  ADMIN_AUTH_SECRET_TOKEN?: string;
  /** Scoped admin tokens, a JSON list of {token, scopes} (shared/src/http/admin-scopes.ts). */
  ADMIN_TOKENS?: string;
  REBUILD_CHUNK?: string;
  /** Test configurations only: fault switches (see SECURITY.md). */
  FAULTS?: string;
}
