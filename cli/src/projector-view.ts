import { count, table, timeAgo } from "./output";

type Obj = Record<string, unknown>;

/**
 * The `projector` section of `fabric stats`: whether the projector (Queue "events") is failing its
 * batches and since when, how many failed, and the newest failure's age, attempt, error and what to
 * do. Takes the fields it shows out of `rest`, so anything newer is still listed under "other".
 *
 * @example projectorTable(rest, Date.now(), 100)
 */
export function projectorTable(rest: Obj, now: number, width: number): string | undefined {
  const p = rest.projector;
  if (!isObj(p) || !("failingSince" in p)) return undefined;
  const last = isObj(p.lastFailure) ? p.lastFailure : null;
  const rows: [string, string][] = [];
  if (typeof p.failingSince === "number") rows.push(["status", `FAILING since ${timeAgo(p.failingSince, now)}`]);
  else rows.push(["status", last ? "ok: a batch has succeeded since the last failure" : "ok: no batch has failed"]);
  delete p.failingSince;
  if (typeof p.failedBatches === "number") {
    rows.push(["failed batches", count(p.failedBatches)]);
    delete p.failedBatches;
  }
  if (last) {
    rows.push(["last failure", `${timeAgo(last.at, now)}, attempt ${String(last.attempts)}`]);
    rows.push(["  error", String(last.error)]);
    rows.push(["  what to do", String(last.hint)]);
    delete p.lastFailure;
  } else if (p.lastFailure === null) delete p.lastFailure;
  return table([], rows, { compact: true, colWidths: [28, Math.max(30, width - 32)], wrap: true });
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
