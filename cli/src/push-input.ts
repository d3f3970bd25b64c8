import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import type { FactInput } from "../../shared/src/facts";
import { UsageError } from "./deps";
import { parseFacts } from "./input";

/**
 * What `fabric push` reads: facts from NDJSON, JSON or CSV (through a column mapping), each with a
 * dedupeKey that is the same on every run, so re-running a push resumes it safely.
 */
export type PushFormat = "ndjson" | "json" | "csv";
export const PUSH_FORMATS: PushFormat[] = ["ndjson", "json", "csv"];

/** `--subject symbol=sym`, `--data price=px`: a fact field (dotted for nesting) and its column. */
export type ColumnMap = { field: string; column: string }[];
export type CsvMapping = { kind?: string; subject: ColumnMap; observedAt: string; data: ColumnMap; delimiter: string };

/** A fact and where it came from, so an error can name the row. */
export type SourcedFact = { fact: FactInput; where: string; lookup: (name: string) => unknown };

/** The format the flag names, else the file's extension, else undefined (stdin: JSON or NDJSON, sniffed). */
export function formatOf(name: string, flag: string | undefined): PushFormat | undefined {
  if (flag !== undefined) {
    if (!(PUSH_FORMATS as string[]).includes(flag)) {
      throw new UsageError(`--format takes one of ${PUSH_FORMATS.join(", ")}, not "${flag}"`);
    }
    return flag as PushFormat;
  }
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === "csv") return "csv";
  if (ext === "ndjson" || ext === "jsonl") return "ndjson";
  if (ext === "json") return "json";
  return undefined;
}

/** Commander collector for repeatable, comma-separated `field=column` pairs (`price` alone = `price=price`). */
export function collectColumns(value: string, previous: ColumnMap = []): ColumnMap {
  const pairs = value.split(",").map((p) => p.trim());
  return [
    ...previous,
    ...pairs.filter(Boolean).map((p) => {
      const at = p.indexOf("=");
      const field = at < 0 ? p : p.slice(0, at);
      const column = at < 0 ? p : p.slice(at + 1);
      if (!field || !column) throw new UsageError(`give field=column, e.g. price=px, not "${p}"`);
      return { field, column };
    }),
  ];
}

/** JSON or NDJSON facts; `lookup` reads a dotted path of the fact (for --dedupe-key). */
export function factsFromJson(text: string, name: string): SourcedFact[] {
  return parseFacts(text, name).map((fact, i) => ({
    fact,
    where: `${name} fact ${i + 1}`,
    lookup: (path) => dig(fact, path),
  }));
}

/**
 * CSV rows as facts: the header names the columns; `kind` is the same for every row; subject
 * fields are strings; data fields must be numbers; observedAt stays a number when it is all
 * digits (epoch ms), else goes as written (RFC 3339). A mapping naming a missing column, or a row
 * whose cell is empty or not a number, is a usage error naming the column and the line.
 */
export function factsFromCsv(text: string, name: string, map: CsvMapping): SourcedFact[] {
  if (!map.kind) throw new UsageError(`name the facts' kind for ${name}: --kind market_price (or another kind)`);
  if (map.subject.length === 0) throw new UsageError(`map the subject for ${name}: --subject symbol=<column>`);
  if (map.data.length === 0) throw new UsageError(`map the data fields for ${name}: --data price=<column>`);
  let rows: { info: { lines: number }; record: string[] }[];
  try {
    rows = parse(text, {
      delimiter: map.delimiter,
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof rows;
  } catch (e) {
    throw new UsageError(`${name} is not CSV (${e instanceof Error ? e.message : e})`);
  }
  const header = rows.shift()?.record;
  if (!header || rows.length === 0) throw new UsageError(`${name} holds no rows under its header`);
  const index = (column: string, flag: string): number => {
    const at = header.indexOf(column);
    if (at < 0) throw new UsageError(`${name} has no column "${column}" (${flag}); its columns: ${header.join(", ")}`);
    return at;
  };
  const subject = map.subject.map((m) => ({ ...m, at: index(m.column, `--subject ${m.field}=${m.column}`) }));
  const data = map.data.map((m) => ({ ...m, at: index(m.column, `--data ${m.field}=${m.column}`) }));
  const observedAt = index(map.observedAt, `--observed-at ${map.observedAt}`);
  const kind = map.kind;
  return rows.map(({ info, record }) => {
    const where = `${name} line ${info.lines}`;
    const cellOf = (at: number, column: string, what: string): string => {
      const v = record[at];
      if (v === undefined || v === "") throw new UsageError(`${where}: column "${column}" is empty (${what})`);
      return v;
    };
    const fact: Record<string, unknown> = { kind, subject: {}, data: {} };
    for (const s of subject) setPath(fact.subject, s.field, cellOf(s.at, s.column, `subject.${s.field}`));
    const t = cellOf(observedAt, map.observedAt, "observedAt");
    fact.observedAt = /^\d+$/.test(t) ? Number(t) : t;
    for (const d of data) {
      const raw = cellOf(d.at, d.column, `data.${d.field}`);
      const n = Number(raw);
      if (!Number.isFinite(n)) {
        throw new UsageError(`${where}: column "${d.column}" holds "${raw}", not a number (data.${d.field})`);
      }
      setPath(fact.data, d.field, n);
    }
    const lookup = (column: string): unknown => {
      const at = header.indexOf(column);
      return at < 0 ? undefined : record[at] || undefined;
    };
    return { fact: fact as FactInput, where, lookup };
  });
}

/**
 * Gives every fact a dedupeKey, in this order: the fact's own; the `--dedupe-key` template
 * (`{sym}:{ts}` over CSV columns or fact paths such as `{subject.symbol}`, or the older
 * comma-separated paths `subject.symbol,observedAt` joined with ":"); else `sha256:` of the fact's
 * content (kind, subject, observedAt, data), so identical rows are one fact on every run.
 */
export function assignDedupeKeys(facts: SourcedFact[], template: string | undefined): FactInput[] {
  const keyOf = template ? keyTemplate(template) : undefined;
  return facts.map(({ fact, where, lookup }) => {
    if (fact.dedupeKey) return fact;
    const dedupeKey = keyOf ? keyOf(lookup, where) : contentKey(fact);
    return { ...fact, dedupeKey };
  });
}

function keyTemplate(spec: string): (lookup: SourcedFact["lookup"], where: string) => string {
  const value = (lookup: SourcedFact["lookup"], name: string, where: string): string => {
    const v = lookup(name);
    if (v === undefined || v === null || v === "") throw new UsageError(`${where} has no ${name} for --dedupe-key`);
    return typeof v === "string" ? v : JSON.stringify(v);
  };
  if (spec.includes("{")) {
    return (lookup, where) => spec.replace(/\{([^{}]+)\}/g, (_, name: string) => value(lookup, name.trim(), where));
  }
  const names = spec.split(",").map((p) => p.trim());
  return (lookup, where) => names.map((n) => value(lookup, n, where)).join(":");
}

/** A key from what the fact says, independent of key order in the input. */
export function contentKey(fact: FactInput): string {
  const { kind, subject, observedAt, data } = fact as Record<string, unknown>;
  const hash = createHash("sha256").update(canonical({ kind, subject, observedAt, data }));
  return `sha256:${hash.digest("hex").slice(0, 40)}`;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function dig(obj: unknown, path: string): unknown {
  let v = obj;
  for (const p of path.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function setPath(target: unknown, path: string, value: unknown): void {
  const parts = path.split(".");
  let at = target as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) {
    if (!at[p] || typeof at[p] !== "object") at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts.at(-1) ?? path] = value;
}
