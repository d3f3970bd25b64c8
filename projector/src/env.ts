/** Bindings of the projector Worker (see wrangler.jsonc). */
export interface ProjectorEnv {
  DB: D1Database;
  EVENTS_QUEUE: Queue<unknown>;
  EVENTS_DLQ: Queue<unknown>;
  REBUILD_WORKFLOW: Workflow<{ rebuildId: string }>;
  ADMIN_AUTH_SECRET_TOKEN?: string;
  REBUILD_CHUNK?: string;
  /** Test configurations only: fault switches (see SECURITY.md). */
  FAULTS?: string;
}
