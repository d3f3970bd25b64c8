import { count, table, timeAgo } from "./output";

type Obj = Record<string, unknown>;

/** The shard counters the delivery section sums up: left out of the shards table so it fits a terminal. */
export const DELIVERY_COUNTERS = ["matchesDelivered", "matchesRefused", "notifyFailures"];

/**
 * The `delivery` section of `fabric stats`: matches delivered, refused (dropped) and failed
 * attempts (retried), then the newest failure and refusal with their shard, status, age, the
 * fabric's reason and its hint on what to do, the reason wrapped to fit. Takes the fields it shows
 * out of `rest`, so anything newer is still listed under "other".
 *
 * @example deliveryTable(rest, Date.now(), 100)
 */
export function deliveryTable(rest: Obj, now: number, width: number): string | undefined {
  const d = rest.delivery;
  if (!isObj(d)) return undefined;
  const rows: [string, string][] = [];
  const take = (key: string, name: string) => {
    if (typeof d[key] !== "number") return;
    rows.push([name, count(d[key])]);
    delete d[key];
  };
  take("delivered", "delivered");
  take("refused", "refused (dropped)");
  take("failedAttempts", "failed attempts (retried)");
  // A failure older than the newest delivery was followed by deliveries: its cause may be fixed.
  const deliveredAt = typeof d.lastDeliveredAt === "number" ? d.lastDeliveredAt : null;
  if ("lastDeliveredAt" in d) {
    rows.push(["last delivery", deliveredAt === null ? "none" : timeAgo(deliveredAt, now)]);
    delete d.lastDeliveredAt;
  }
  for (const [key, name] of [
    ["lastFailure", "last failure"],
    ["lastRefusal", "last refusal"],
  ] as const) {
    const note = d[key];
    if (note === null) {
      rows.push([name, "none"]);
      delete d[key];
    } else if (isObj(note)) {
      const status = note.status === 0 ? "no answer" : `status ${String(note.status)}`;
      const since = deliveredAt !== null && typeof note.at === "number" && deliveredAt > note.at;
      rows.push([name, `shard ${String(note.shard)}, ${status}, ${timeAgo(note.at, now)}`]);
      if (since) rows.push(["  since then", "matches were delivered: its cause may be fixed"]);
      rows.push(["  match", String(note.matchId)]);
      rows.push(["  reason", readable(String(note.reason))]);
      rows.push(["  what to do", String(note.hint)]);
      delete d[key];
    }
  }
  if (rows.length === 0) return undefined;
  const valueWidth = Math.max(30, width - 32);
  return table([], rows, { compact: true, colWidths: [28, valueWidth], wrap: true });
}

/** A problem+json reason as its title and detail (the rest is in --json); any other reason as it is. */
function readable(reason: string): string {
  try {
    const p = JSON.parse(reason) as Obj;
    if (isObj(p) && typeof p.title === "string")
      return typeof p.detail === "string" ? `${p.title}: ${p.detail}` : p.title;
  } catch {}
  return reason;
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
