import { EXECUTION_REF_KINDS, type ExecutionRefKind } from "../../../../shared/src/events";
import { EXPIRED_SQL, FIRED_ONCE_SQL } from "../../registry/read-model";

/**
 * Reads of the D1 projections the runtime decides from (the projector's tables, see
 * migrations/0001). "Workflows" are the workflowIds of live monitors; one monitor per workflow is
 * the normal case, and with several the lowest enabled monitorId wins (deterministic).
 *
 * @example const m = await resolveWorkflow(env.DB, "wf_1"); // null → 404
 */
export interface MonitorRef {
  monitorId: string;
  workflowId: string;
  ownerUserId: string;
  /** linkedPortfolioIds[0], or null. */
  portfolioId: string | null;
  enabled: boolean;
  checkIntervalMs: number | null;
  /**
   * The monitor's version now (an update or a removal raises it). A match made by an older one is
   * superseded (DESIGN §3) and wakes nothing.
   */
  version: number;
}

type MonitorRow = {
  monitor_id: string;
  workflow_id: string;
  owner_user_id: string;
  enabled: number;
  definition: string;
  version: number;
};

function toRef(row: MonitorRow): MonitorRef {
  const def = JSON.parse(row.definition) as { linkedPortfolioIds?: string[]; checkIntervalMs?: number };
  return {
    monitorId: row.monitor_id,
    workflowId: row.workflow_id,
    ownerUserId: row.owner_user_id,
    portfolioId: def.linkedPortfolioIds?.[0] ?? null,
    enabled: row.enabled === 1,
    checkIntervalMs: def.checkIntervalMs ?? null,
    version: row.version,
  };
}

const LIVE_MONITOR = `SELECT monitor_id, workflow_id, owner_user_id, enabled, definition, version FROM monitors
  WHERE removed = 0 AND definition IS NOT NULL`;

export async function findMonitor(db: D1Database, monitorId: string): Promise<MonitorRef | null> {
  const row = await db.prepare(`${LIVE_MONITOR} AND monitor_id = ?`).bind(monitorId).first<MonitorRow>();
  return row ? toRef(row) : null;
}

/** Many live monitors in one query (a batch of trigger matches), by monitorId. */
export async function findMonitors(db: D1Database, monitorIds: string[]): Promise<Map<string, MonitorRef>> {
  const { results } = await db
    .prepare(`${LIVE_MONITOR} AND monitor_id IN (SELECT value FROM json_each(?))`)
    .bind(JSON.stringify([...new Set(monitorIds)]))
    .all<MonitorRow>();
  return new Map(results.map((r) => [r.monitor_id, toRef(r)]));
}

/** The monitor a workflowId stands for (optionally a given one of its monitors), or null. */
export async function resolveWorkflow(
  db: D1Database,
  workflowId: string,
  monitorId?: string,
): Promise<MonitorRef | null> {
  const { results } = await workflowMonitorsStatement(db, workflowId).all<MonitorRow>();
  return pickMonitor(results, monitorId);
}

/** The live monitors of a workflow, as a statement (its rows go to pickMonitor). */
export function workflowMonitorsStatement(db: D1Database, workflowId: string): D1PreparedStatement {
  return db.prepare(`${LIVE_MONITOR} AND workflow_id = ? ORDER BY enabled DESC, monitor_id LIMIT 50`).bind(workflowId);
}

/** The monitor a workflow's rows stand for: the given one, else the lowest enabled monitorId. */
export function pickMonitor(rows: readonly unknown[], monitorId?: string): MonitorRef | null {
  const refs = (rows as MonitorRow[]).map(toRef);
  return (monitorId ? refs.find((r) => r.monitorId === monitorId) : refs[0]) ?? null;
}

/** Each named monitor's version now, removed ones included (a removal supersedes its matches). */
export function monitorVersionsStatement(db: D1Database, monitorIds: readonly string[]): D1PreparedStatement {
  return db
    .prepare("SELECT monitor_id, version FROM monitors WHERE monitor_id IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify([...new Set(monitorIds)]));
}

export function toVersions(rows: readonly unknown[]): Map<string, number> {
  return new Map((rows as { monitor_id: string; version: number }[]).map((r) => [r.monitor_id, r.version]));
}

export interface DueMonitor extends MonitorRef {
  nextDueAt: number;
}

/**
 * Monitors whose next_due_at has passed and that still run, most overdue first: enabled, not
 * expired (expiresAt ends a monitor) and not a `once` monitor that has fired (it is stopped). The
 * status a read gives them is then `active` (read-model.ts). The next_due_at index holds only rows
 * with `stopped = 0` (removed, disabled and recorded-expired monitors are out), so the scan reads
 * no stopped monitor however many there are; the clock's expiry and a fired `once` are checked here.
 */
export function dueMonitorsStatement(db: D1Database, now: number, limit: number): D1PreparedStatement {
  return db
    .prepare(
      `SELECT m.monitor_id, m.workflow_id, m.owner_user_id, m.enabled, m.definition, m.version, s.next_due_at
       FROM monitor_state s JOIN monitors m ON m.monitor_id = s.monitor_id
       WHERE s.next_due_at IS NOT NULL AND s.stopped = 0 AND s.next_due_at <= ? AND m.removed = 0 AND m.enabled = 1
         AND m.definition IS NOT NULL AND NOT ${EXPIRED_SQL} AND NOT ${FIRED_ONCE_SQL}
       ORDER BY s.next_due_at, m.monitor_id LIMIT ?`,
    )
    .bind(now, now, limit);
}

export async function dueMonitors(db: D1Database, now: number, limit: number): Promise<DueMonitor[]> {
  const { results } = await dueMonitorsStatement(db, now, limit).all<MonitorRow & { next_due_at: number }>();
  return results.map((r) => ({ ...toRef(r), nextDueAt: r.next_due_at }));
}

export interface MonitorState {
  tickCount: number;
  lastTickId: string | null;
  lastTickAt: number | null;
  lastTickReason: string | null;
  nextDueAt: number | null;
}

export type MonitorStateRow = {
  tick_count: number;
  last_tick_id: string | null;
  last_tick_at: number | null;
  last_tick_reason: string | null;
  next_due_at: number | null;
};

/** The read of a monitor's tick state, as a statement (runTick batches it behind its event's writes). */
export function monitorStateStatement(db: D1Database, monitorId: string): D1PreparedStatement {
  return db
    .prepare(
      "SELECT tick_count, last_tick_id, last_tick_at, last_tick_reason, next_due_at FROM monitor_state WHERE monitor_id = ?",
    )
    .bind(monitorId);
}

export function toMonitorState(row: MonitorStateRow | undefined): MonitorState {
  return {
    tickCount: row?.tick_count ?? 0,
    lastTickId: row?.last_tick_id ?? null,
    lastTickAt: row?.last_tick_at ?? null,
    lastTickReason: row?.last_tick_reason ?? null,
    nextDueAt: row?.next_due_at ?? null,
  };
}

export async function monitorState(db: D1Database, monitorId: string): Promise<MonitorState> {
  return toMonitorState((await monitorStateStatement(db, monitorId).first<MonitorStateRow>()) ?? undefined);
}

export interface ExecutionRefRow {
  workflowId: string;
  portfolioId: string | null;
  refKey: string;
  status: string;
}

/** The execution any of these ids names (first match in EXECUTION_REF_KINDS order), or null. */
export async function findExecutionRef(
  db: D1Database,
  ids: Partial<Record<ExecutionRefKind, string>>,
): Promise<ExecutionRefRow | null> {
  for (const kind of EXECUTION_REF_KINDS) {
    const value = ids[kind];
    if (value === undefined) continue;
    const row = await db
      .prepare(
        "SELECT workflow_id, portfolio_id, ref_key, status FROM workflow_execution_refs WHERE ref_kind = ? AND ref_value = ?",
      )
      .bind(kind, value)
      .first<{ workflow_id: string; portfolio_id: string | null; ref_key: string; status: string }>();
    if (row)
      return { workflowId: row.workflow_id, portfolioId: row.portfolio_id, refKey: row.ref_key, status: row.status };
  }
  return null;
}

/** Whether the workflow has an execution still pending, as a statement (0 or 1 row). */
export function openExecutionStatement(db: D1Database, workflowId: string): D1PreparedStatement {
  return db
    .prepare("SELECT 1 AS one FROM workflow_execution_refs WHERE workflow_id = ? AND status = 'pending' LIMIT 1")
    .bind(workflowId);
}

export async function hasOpenExecution(db: D1Database, workflowId: string): Promise<boolean> {
  return (await openExecutionStatement(db, workflowId).first()) !== null;
}

/** Tables the runtime reads; /healthz answers 200 only when the migrations created them. */
export const REQUIRED_TABLES = [
  "event_log",
  "monitors",
  "monitor_streams",
  "monitor_state",
  "workflow_execution_refs",
] as const;

export async function missingTables(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${REQUIRED_TABLES.map(() => "?").join(", ")})`,
    )
    .bind(...REQUIRED_TABLES)
    .all<{ name: string }>();
  const present = new Set(results.map((r) => r.name));
  return REQUIRED_TABLES.filter((t) => !present.has(t));
}
