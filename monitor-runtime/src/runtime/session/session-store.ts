import type { ActiveSession, Decision, QueuedWake, SessionView } from "./session-decider";
import type { Wake } from "./wake";

/**
 * The PortfolioAgent's SQLite tables for monitor sessions: one row per workflowId (who owns the
 * session, its metadata and last tick) and one row per wake-up it has seen (pending, in flight, or
 * done — done rows are the duplicate filter, pruned after `DONE_RETENTION_MS`).
 *
 * @example const view = store.load("wf_1"); store.apply("wf_1", decide(view));
 */
export const DONE_RETENTION_MS = 7 * 24 * 3600_000;
const DONE_KEEP_MAX = 1000;

export interface SessionMeta {
  workflowId: string;
  monitorId: string;
  userId: string;
  portfolioId: string | null;
}

export interface LastTick {
  tickId: string;
  wakeId: string;
  reason: string;
  tickedAt: number;
  tickCount: number;
  nextDueAt: number | null;
  waitFor: string;
}

/** What the agents expose per monitor session (GET /v1/admin/agents/…). */
export interface SessionMirror extends SessionMeta {
  activeInstanceId: string | null;
  phase: ActiveSession["phase"] | "idle";
  waitingOn: string | null;
  sleepingUntil: number | null;
  pendingWakeUps: number;
  lastTick: LastTick | null;
  updatedAt: number;
}

export class SessionStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS sessions (
      workflow_id TEXT PRIMARY KEY, meta TEXT NOT NULL, active TEXT, last_tick TEXT, updated_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS wakes (
      workflow_id TEXT NOT NULL, wake_id TEXT NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL,
      body TEXT NOT NULL, done_at INTEGER, PRIMARY KEY (workflow_id, wake_id))`);
    sql.exec("CREATE INDEX IF NOT EXISTS wakes_open ON wakes (workflow_id, status, seq)");
  }

  load(workflowId: string): SessionView {
    const row = this.sql
      .exec<{ active: string | null }>("SELECT active FROM sessions WHERE workflow_id = ?", workflowId)
      .toArray()[0];
    const queue = this.sql
      .exec<{ status: string; body: string }>(
        "SELECT status, body FROM wakes WHERE workflow_id = ? AND status != 'done' ORDER BY seq",
        workflowId,
      )
      .toArray()
      .map(
        (r): QueuedWake => ({
          status: r.status === "inflight" ? "inflight" : "pending",
          wake: JSON.parse(r.body) as Wake,
        }),
      );
    return { workflowId, active: row?.active ? (JSON.parse(row.active) as ActiveSession) : null, queue };
  }

  known(workflowId: string, wakeId: string): boolean {
    return (
      this.sql.exec("SELECT 1 FROM wakes WHERE workflow_id = ? AND wake_id = ?", workflowId, wakeId).toArray().length >
      0
    );
  }

  hasSession(workflowId: string): boolean {
    return this.sql.exec("SELECT 1 FROM sessions WHERE workflow_id = ?", workflowId).toArray().length > 0;
  }

  /** Persist a decision (the caller runs this inside one storage transaction). */
  apply<R>(workflowId: string, meta: SessionMeta | undefined, d: Decision<R>, now: number): void {
    const active = d.active ? JSON.stringify(d.active) : null;
    // updated_at orders the mirrors the UserAgent keeps (the later wins): it moves on by at least
    // 1 per decision, since decisions within one millisecond are common (the clock moves on I/O).
    if (meta) {
      this.sql.exec(
        `INSERT INTO sessions (workflow_id, meta, active, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (workflow_id) DO UPDATE SET meta = excluded.meta, active = excluded.active,
           updated_at = MAX(excluded.updated_at, sessions.updated_at + 1)`,
        workflowId,
        JSON.stringify(meta),
        active,
        now,
      );
    } else {
      this.sql.exec(
        "UPDATE sessions SET active = ?, updated_at = MAX(?, updated_at + 1) WHERE workflow_id = ?",
        active,
        now,
        workflowId,
      );
    }
    for (const w of d.writes) {
      if (w.op === "insert") {
        const seq = this.sql.exec<{ n: number }>("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM wakes").one().n;
        this.sql.exec(
          "INSERT OR IGNORE INTO wakes (workflow_id, wake_id, seq, status, body, done_at) VALUES (?, ?, ?, ?, ?, ?)",
          workflowId,
          w.wake.wakeId,
          seq,
          w.status,
          JSON.stringify(w.wake),
          w.status === "done" ? now : null,
        );
      } else {
        this.sql.exec(
          "UPDATE wakes SET status = ?, done_at = ? WHERE workflow_id = ? AND wake_id = ?",
          w.status,
          w.status === "done" ? now : null,
          workflowId,
          w.wakeId,
        );
      }
    }
  }

  setLastTick(workflowId: string, tick: LastTick, now: number): void {
    this.sql.exec(
      "UPDATE sessions SET last_tick = ?, updated_at = MAX(?, updated_at + 1) WHERE workflow_id = ?",
      JSON.stringify(tick),
      now,
      workflowId,
    );
  }

  /** Forget done wake-ups past retention (and beyond the newest DONE_KEEP_MAX per workflow). */
  prune(workflowId: string, now: number): void {
    this.sql.exec(
      "DELETE FROM wakes WHERE workflow_id = ? AND status = 'done' AND done_at < ?",
      workflowId,
      now - DONE_RETENTION_MS,
    );
    this.sql.exec(
      `DELETE FROM wakes WHERE workflow_id = ? AND status = 'done' AND seq NOT IN
        (SELECT seq FROM wakes WHERE workflow_id = ? AND status = 'done' ORDER BY seq DESC LIMIT ?)`,
      workflowId,
      workflowId,
      DONE_KEEP_MAX,
    );
  }

  mirror(workflowId: string): SessionMirror | null {
    const row = this.sql
      .exec<{ meta: string; active: string | null; last_tick: string | null; updated_at: number }>(
        "SELECT meta, active, last_tick, updated_at FROM sessions WHERE workflow_id = ?",
        workflowId,
      )
      .toArray()[0];
    if (!row) return null;
    const active = row.active ? (JSON.parse(row.active) as ActiveSession) : null;
    const pending = this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM wakes WHERE workflow_id = ? AND status != 'done'", workflowId)
      .one().n;
    return {
      ...(JSON.parse(row.meta) as SessionMeta),
      activeInstanceId: active?.instanceId ?? null,
      phase: active?.phase ?? "idle",
      waitingOn: active?.waitingOn ?? null,
      sleepingUntil: active?.sleepingUntil ?? null,
      pendingWakeUps: pending,
      lastTick: row.last_tick ? (JSON.parse(row.last_tick) as LastTick) : null,
      updatedAt: row.updated_at,
    };
  }

  workflowIds(): string[] {
    return this.sql
      .exec<{ workflow_id: string }>("SELECT workflow_id FROM sessions ORDER BY workflow_id")
      .toArray()
      .map((r) => r.workflow_id);
  }
}
