import { DELIVERY_COUNTERS, deliveryTable } from "./delivery-view";
import { count, duration, keyValues, table, timeAgo } from "./output";
import { projectorTable } from "./projector-view";

type Obj = Record<string, unknown>;

/**
 * Column names for the counters the fabric reports today, the long ones on two lines so the shards
 * table fits a terminal; other keys are spelled out from their camelCase.
 */
const LABELS: Record<string, string> = {
  factsApplied: "facts\napplied",
  factsStale: "stale",
  outboxBacklog: "outbox",
  oldestUndeliveredAgeMs: "oldest\nundelivered",
  factLogSize: "fact\nlog",
  factsSinceCheckpoint: "since\ncheckpoint",
  factsUnwatched: "unwatched",
  lagMs: "lag",
  lastBatchSize: "last batch",
  lastBatchAt: "last batch at",
};

/**
 * `fabric stats` for a person: the GET /v1/admin/stats answer as short sections (shards with a total
 * row, match delivery, wakes backlog, queue lag, projector failures, dead letters), counts with thousands separators and
 * times as RFC 3339 with their age; `columns` (the terminal's width, default 100) wraps the delivery reasons. Whatever the view does not know (a field a newer fabric adds) is listed under
 * "other", so nothing in the answer goes unseen.
 *
 * @example out(statsView(await client.stats(), Date.now()))
 */
export function statsView(stats: Obj, now: number, columns = 100): string {
  const rest = structuredClone(stats);
  const show = (key: string, v: unknown) => showValue(key, v, now);
  const sections = [
    section("facts, matches & outbox by shard", shardsTable(rest, show)),
    section("match delivery (notify-trigger-match)", deliveryTable(rest, now, columns)),
    section("wakes backlog", wakesTable(rest, now)),
    section("queue lag", rowsByName(rest, "queues", "queue", show) ?? "no queue has consumed a batch yet\n"),
    section("projector (Queue events)", projectorTable(rest, now, columns)),
    section("dead letters (not replayed)", deadLettersTable(rest)),
  ];
  prune(rest);
  if (Object.keys(rest).length > 0) {
    sections.push(
      section(
        "other",
        keyValues(rest, (k, v) => show(k.split(".").at(-1) ?? k, v)),
      ),
    );
  }
  return sections.filter((s) => s !== "").join("\n");
}

function section(title: string, body: string | undefined): string {
  return body ? `${title}\n${body}` : "";
}

/** One row per shard, a column per counter any shard reports (new ones too), and the fabric's totals. */
function shardsTable(rest: Obj, show: (k: string, v: unknown) => string): string | undefined {
  const shards = rest.shards;
  const totals = isObj(rest.totals) ? rest.totals : {};
  if (!Array.isArray(shards) || !shards.every(isObj)) return undefined;
  // The delivery counters are summed in their own section, which has room to say why.
  const keys = unique([...shards.flatMap((s) => Object.keys(s)), ...Object.keys(totals)]).filter(
    (k) => k !== "shard" && !(DELIVERY_COUNTERS.includes(k) && isObj(rest.delivery)),
  );
  const rows = shards.map((s, i) => [s.shard ?? i, ...keys.map((k) => (k in s ? show(k, s[k]) : ""))]);
  rows.push(["total", ...keys.map((k) => (k in totals ? show(k, totals[k]) : ""))]);
  delete rest.shards;
  delete rest.totals;
  return table(["shard", ...keys.map(label)], rows, { compact: true, right: keys.map((_, i) => i + 1) });
}

/** The wakes consumer's backlog: pending, the oldest's age, the pace it creates at and a 429's hold. */
function wakesTable(rest: Obj, now: number): string | undefined {
  const w = rest.wakes;
  if (!isObj(w)) return undefined;
  const rows: [string, string][] = [];
  const take = (key: string, name: string, fmt: (v: unknown) => string) => {
    if (!(key in w)) return;
    rows.push([name, fmt(w[key])]);
    delete w[key];
  };
  take("pending", "pending", count);
  take("oldestAgeMs", "oldest pending", duration);
  take("ratePerSecond", "pace", (v) => (typeof v === "number" ? `${count(v)} / s` : "not paced yet"));
  take("heldUntil", "held until", (v) => (v == null ? "not held" : timeAgo(v, now)));
  take("rateLimited", "rate-limited (429)", count);
  take("sessionWakes", "session wakes", count);
  take("coalesced", "coalesced matches", count);
  return rows.length ? table([], rows, { compact: true }) : undefined;
}

/** A table of an object of objects (`queues`): a row per name, a column per field any row has. */
function rowsByName(rest: Obj, key: string, name: string, show: (k: string, v: unknown) => string) {
  const byName = rest[key];
  if (!isObj(byName) || !Object.values(byName).every(isObj)) return undefined;
  const entries = Object.entries(byName) as [string, Obj][];
  delete rest[key];
  if (entries.length === 0) return undefined;
  const keys = unique(entries.flatMap(([, v]) => Object.keys(v)));
  const rows = entries.map(([n, v]) => [n, ...keys.map((k) => (k in v ? show(k, v[k]) : ""))]);
  const right = keys.flatMap((k, i) => (/(At|Until)$/.test(k) ? [] : [i + 1]));
  return table([name, ...keys.map(label)], rows, { compact: true, right });
}

/** Dead letters waiting per queue, and the command that lists them. */
function deadLettersTable(rest: Obj): string | undefined {
  const dl = rest.deadLetters;
  if (!isObj(dl) || !Object.values(dl).every((n) => typeof n === "number")) return undefined;
  delete rest.deadLetters;
  const rows = Object.entries(dl).map(([q, n]) => [q, count(n), n ? `fabric dlq list ${q}` : ""]);
  return table(["queue", "waiting", "to see them"], rows, { compact: true, right: [1] });
}

/** By the key's suffix: …Ms a duration, …At/…Until a time with its age, a number a count. */
function showValue(key: string, v: unknown, now: number): string {
  if (/Ms$/.test(key)) return duration(v);
  if (/(At|Until)$/.test(key)) return timeAgo(v, now);
  return count(v);
}

function label(key: string): string {
  return (
    LABELS[key] ??
    key
      .replace(/Ms$/, "")
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .toLowerCase()
  );
}

/** Drops objects and arrays left empty once their known fields were shown. */
function prune(o: Obj): void {
  for (const [k, v] of Object.entries(o)) {
    if (isObj(v)) prune(v);
    if ((isObj(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0)) delete o[k];
  }
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
