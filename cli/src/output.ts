import Table from "cli-table3";

/** Human output: cli-table3 tables; machine output (`--json`): exactly the JSON, nothing else. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** How a table is laid out: `compact` drops the rule between rows; `right` aligns those columns right (counts). */
export type TableLayout = { compact?: boolean; right?: number[]; colWidths?: (number | null)[]; wrap?: boolean };

export function table(head: string[], rows: unknown[][], layout: TableLayout = {}): string {
  const t = new Table({
    head,
    style: { head: [], border: [], compact: layout.compact === true },
    colAligns: head.map((_, i) => (layout.right?.includes(i) ? "right" : "left")),
    ...(layout.colWidths ? { colWidths: layout.colWidths } : {}),
    ...(layout.wrap ? { wordWrap: true } : {}),
  });
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

/** A count with thousands separators (1,234,567); "–" when there is none. */
export function count(n: unknown): string {
  return typeof n === "number" ? n.toLocaleString("en-US", { maximumFractionDigits: 2 }) : n == null ? "–" : cell(n);
}

/** Milliseconds as a person reads them: "67 ms", "1.5 s", "42 s", "4 min 30 s", "2 h 5 min", "3 d 4 h". */
export function duration(ms: unknown): string {
  if (typeof ms !== "number") return ms == null ? "–" : cell(ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
    ["s", 1],
  ];
  const i = units.findIndex(([, size]) => s >= size);
  const [big, bigSize] = units[i] ?? ["s", 1];
  const [small, smallSize] = units[i + 1] ?? ["s", 1];
  const whole = Math.floor(s / bigSize);
  const rest = Math.floor((s - whole * bigSize) / smallSize);
  return rest > 0 ? `${whole} ${big} ${rest} ${small}` : `${whole} ${big}`;
}

/** Epoch ms as RFC 3339 and how far from `now` ("… (12 s ago)", "… (in 3 s)"); "–" when there is none. */
export function timeAgo(at: unknown, now: number): string {
  if (typeof at !== "number") return at == null ? "–" : cell(at);
  const d = now - at;
  return `${time(at)} (${d >= 0 ? `${duration(d)} ago` : `in ${duration(-d)}`})`;
}
