import Table from "cli-table3";

/** Human output: cli-table3 tables; machine output (`--json`): exactly the JSON, nothing else. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function table(head: string[], rows: unknown[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map(cell));
  return `${t.toString()}\n`;
}

/**
 * A two-column table of an object's leaves, nested keys joined with dots; `show` formats a value
 * by its key (e.g. `atTimes`).
 */
export function keyValues(
  obj: Record<string, unknown>,
  show: (key: string, value: unknown) => string = (_key, value) => cell(value),
): string {
  const t = new Table({ style: { head: [], border: [] } });
  for (const [k, v] of flatten(obj)) t.push({ [k]: show(k, v) });
  return `${t.toString()}\n`;
}

/** Leaves with dotted keys; arrays of objects by index (`shards.3.factsApplied`), so no cell holds JSON. */
export function flatten(obj: Record<string, unknown>, prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const nested = Array.isArray(v) && v.some((x) => x && typeof x === "object") ? Object.assign({}, v) : v;
    if (nested && typeof nested === "object" && !Array.isArray(nested) && Object.keys(nested).length > 0) {
      out.push(...flatten(nested as Record<string, unknown>, key));
    } else out.push([key, v]);
  }
  return out;
}

export function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Epoch ms as RFC 3339 (UTC), for tables. */
export function time(ms: unknown): string {
  return typeof ms === "number" ? new Date(ms).toISOString() : cell(ms);
}

/** For `keyValues`: a leaf named …At (expiresAt, state.lastMatchedAt) holds epoch ms, shown as a time. */
export function atTimes(key: string, value: unknown): string {
  return key.endsWith("At") ? time(value) : cell(value);
}
