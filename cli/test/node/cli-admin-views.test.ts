import { describe, expect, it } from "vitest";
import { count, duration, timeAgo } from "../../src/output";
import { DEAD_LETTERS, RECORDED_AT, STATS } from "./admin-answers";
import { cli } from "./harness";

type Stats = typeof STATS & Record<string, unknown>;
/** RFC 3339 to the second, as the dead-letter table writes it. */
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const stats = (): Stats => structuredClone(STATS);
const answer = (body: unknown) => () => Response.json(body);
/** The output's lines that are table rows, cells trimmed: `│ 7 │ 2 │` → ["7", "2"]. */
const rows = (out: string) =>
  out
    .split("\n")
    .filter((l) => l.startsWith("│"))
    .map((l) =>
      l
        .split("│")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
const rowOf = (out: string, first: string) => rows(out).find((r) => r[0] === first);
/** The lines between a section's title and the next blank line. */
const section = (out: string, title: string) => {
  const start = out.split("\n").indexOf(title);
  if (start < 0) return "";
  const rest = out.split("\n").slice(start + 1);
  return rest.slice(0, rest.indexOf("") < 0 ? undefined : rest.indexOf("")).join("\n");
};

describe("fabric stats for a person", () => {
  it("shows the recorded stats as sections: shards with a total row, wakes backlog, queue lag with ages, dead letters", async () => {
    const r = await cli(["stats"], answer(STATS), { now: RECORDED_AT });
    expect(r.code).toBe(0);
    const titles = r.out.split("\n").filter((l) => /^[a-z]/.test(l));
    expect(titles).toEqual([
      "facts, matches & outbox by shard",
      "wakes backlog",
      "queue lag",
      "dead letters (not replayed)",
    ]);
    const shards = section(r.out, "facts, matches & outbox by shard");
    // One row per shard and a total: shard 7 applied the two facts and made the match.
    expect(rows(shards).filter((row) => /^\d+$/.test(row[0] ?? ""))).toHaveLength(8);
    expect(rowOf(shards, "7")).toEqual(["7", "2", "0", "0", "1", "0", "–", "1", "2", "2"]);
    expect(rowOf(shards, "total")).toEqual(["total", "2", "0", "0", "1", "0", "–", "", "", ""]);
    expect(shards).toMatch(/facts[\s│]+stale[\s│]+duplicates[\s│]+matches[\s│]+outbox[\s│]+oldest/);
    const wakes = section(r.out, "wakes backlog");
    expect(rowOf(wakes, "pending")).toEqual(["pending", "0"]);
    expect(rowOf(wakes, "pace")).toEqual(["pace", "100 / s"]);
    expect(rowOf(wakes, "held until")).toEqual(["held until", "not held"]);
    expect(rowOf(wakes, "session wakes")).toEqual(["session wakes", "1"]);
    // lastBatchAt of events is 141.162 s before the recording.
    expect(rowOf(section(r.out, "queue lag"), "events")).toEqual([
      "events",
      "67 ms",
      "1",
      "2026-12-05T20:06:28.838Z (2 min 21 s ago)",
    ]);
    expect(rowOf(section(r.out, "dead letters (not replayed)"), "wakes")).toEqual([
      "wakes",
      "2",
      "fabric dlq list wakes",
    ]);
    // No flattened key/value rows any more.
    expect(r.out).not.toMatch(/shards\.\d|totals\./);
  });

  it("writes counts with thousands separators, ages as durations and a hold as the time it ends", async () => {
    const base = stats();
    const s = {
      ...base,
      totals: { ...base.totals, factsApplied: 1_234_567 },
      wakes: { ...base.wakes, pending: 25_000, oldestAgeMs: 95_000, heldUntil: RECORDED_AT + 3_000 },
      deadLetters: { ...base.deadLetters, events: 0 },
    };
    const r = await cli(["stats"], answer(s), { now: RECORDED_AT });
    expect(rowOf(r.out, "total")?.[1]).toBe("1,234,567");
    const wakes = section(r.out, "wakes backlog");
    expect(rowOf(wakes, "pending")?.[1]).toBe("25,000");
    expect(rowOf(wakes, "oldest pending")?.[1]).toBe("1 min 35 s");
    expect(rowOf(wakes, "held until")?.[1]).toBe("2026-12-05T20:08:53.000Z (in 3.0 s)");
    expect(rowOf(section(r.out, "dead letters (not replayed)"), "events")).toEqual(["events", "0", ""]);
  });

  it("lists fields it does not know under other (or as a column of their table), dropping none", async () => {
    const s = stats();
    const shard0 = s.shards[0] as Record<string, unknown>;
    shard0.evictions = 9;
    (s.queues.facts as Record<string, unknown>).retries = 4;
    (s.wakes as Record<string, unknown>).deferred = 5;
    s.region = "weur";
    s.build = { version: "1.4.2", startedAtMs: 61_000, startedAt: RECORDED_AT - 1_000 };
    const r = await cli(["stats"], answer(s), { now: RECORDED_AT });
    expect(r.code).toBe(0);
    const shards = section(r.out, "facts, matches & outbox by shard");
    expect(shards).toContain("evictions");
    expect(rowOf(shards, "0")?.at(-1)).toBe("9");
    expect(rowOf(shards, "1")?.at(-1)).toBe("");
    expect(section(r.out, "queue lag")).toContain("retries");
    expect(rowOf(section(r.out, "queue lag"), "facts")?.at(-1)).toBe("4");
    const other = section(r.out, "other");
    expect(rowOf(other, "region")).toEqual(["region", "weur"]);
    expect(rowOf(other, "wakes.deferred")).toEqual(["wakes.deferred", "5"]);
    expect(rowOf(other, "build.version")).toEqual(["build.version", "1.4.2"]);
    expect(rowOf(other, "build.startedAtMs")).toEqual(["build.startedAtMs", "1 min 1 s"]);
    expect(rowOf(other, "build.startedAt")).toEqual(["build.startedAt", "2026-12-05T20:08:49.000Z (1.0 s ago)"]);
    // Known fields are not repeated there.
    expect(other).not.toMatch(/pending|shards|totals|queues\.|deadLetters/);
  });

  it("an answer of another shape is not lost: all of it goes under other", async () => {
    const r = await cli(["stats"], answer({ shards: "n/a", queues: { facts: 3 }, deadLetters: { facts: "x" } }));
    expect(r.code).toBe(0);
    const other = section(r.out, "other");
    expect(rowOf(other, "shards")).toEqual(["shards", "n/a"]);
    expect(rowOf(other, "queues.facts")).toEqual(["queues.facts", "3"]);
    expect(rowOf(other, "deadLetters.facts")).toEqual(["deadLetters.facts", "x"]);
  });

  it("--json prints exactly the fabric's answer", async () => {
    const r = await cli(["stats", "--json"], answer(STATS), { now: RECORDED_AT });
    expect(r.out).toBe(`${JSON.stringify(STATS, null, 2)}\n`);
  });
});

describe("fabric dlq list for a person", () => {
  it.each(["facts", "events", "wakes"] as const)(
    "lists %s dead letters in columns id, failed at, attempts, reason, replayed (body or not)",
    async (queue) => {
      const listed = DEAD_LETTERS[queue].deadLetters;
      const r = await cli(["dlq", "list", queue], answer(DEAD_LETTERS[queue]));
      expect(r.code).toBe(0);
      expect(rows(r.out)[0]).toEqual(["id", "failed at", "attempts", "reason", "replayed"]);
      for (const d of listed) {
        const row = rowOf(r.out, d.id);
        expect(row?.slice(0, 3)).toEqual([d.id, iso(d.failed_at), String(d.attempts)]);
        expect(row?.[4]).toBe(d.replayed_at === null ? "no" : `yes, ${d.replay_count}×`);
      }
      // The long reason is wrapped over lines, whole: its words in order down the reason column.
      const long = listed.find((d) => d.reason.length > 60)?.reason ?? "";
      const at = rows(r.out).findIndex((row) => long.startsWith(row[3] ?? "-"));
      const column = rows(r.out)
        .slice(at)
        .map((row) => row[3])
        .join(" ");
      expect(column.startsWith(long)).toBe(true);
      // A replayed one says when, on its second line.
      const replayed = listed.find((d) => d.replayed_at !== null);
      if (replayed?.replayed_at) expect(r.out).toContain(iso(replayed.replayed_at));
      // The body (events carry one) is not part of the table.
      expect(r.out).not.toContain("[146,1,2]");
    },
  );

  it("wraps the reason to the terminal's width, and --json keeps every field, body included", async () => {
    const events = DEAD_LETTERS.events;
    const wide = await cli(["dlq", "list", "events"], answer(events), { outColumns: 200 });
    const narrow = await cli(["dlq", "list", "events"], answer(events), { outColumns: 120 });
    const widest = (out: string) => Math.max(...out.split("\n").map((l) => l.length));
    expect(widest(narrow.out)).toBe(120);
    expect(widest(wide.out)).toBeGreaterThan(widest(narrow.out));
    expect(narrow.out).toContain("backoff and gave up");
    const json = await cli(["dlq", "list", "events", "--json"], answer(events));
    expect(json.out).toBe(`${JSON.stringify(events.deadLetters, null, 2)}\n`);
  });
});

describe("human figures", () => {
  it("durations use the two largest units; counts group thousands; times say how long ago", () => {
    expect([67, 1_500, 42_400, 270_000, 7_500_000, 273_600_000].map(duration)).toEqual([
      "67 ms",
      "1.5 s",
      "42 s",
      "4 min 30 s",
      "2 h 5 min",
      "3 d 4 h",
    ]);
    expect([0, 1234567, 40.5, null].map(count)).toEqual(["0", "1,234,567", "40.5", "–"]);
    expect(timeAgo(1_000, 13_000)).toBe("1970-01-01T00:00:01.000Z (12 s ago)");
    expect(timeAgo(null, 0)).toBe("–");
  });
});
