import { describe, expect, it } from "vitest";
import type { Recorded } from "../../../client/test/node/fake-fetch";
import { cli, problem } from "./harness";

/** The facts dead-letter routes over `n` rows (every third replayed before), cursor = next index. */
function queue(n: number, fail: Record<string, () => Response> = {}) {
  const rows = Array.from({ length: n }, (_, i) => ({
    id: `d${i}`,
    reason: "shard unavailable",
    attempts: 6,
    failed_at: 0,
    replayed_at: i % 3 === 0 ? 1 : null,
    replay_count: i % 3 === 0 ? 1 : 0,
  }));
  const answer = (req: Recorded) => {
    const url = new URL(req.url);
    const id = /\/facts\/([^/]+)\/replay$/.exec(url.pathname)?.[1];
    if (id) {
      const failure = fail[id];
      if (failure) return failure();
      const row = rows.find((r) => r.id === id);
      if (!row) return problem(404, { detail: `no dead letter ${id} on queue facts` });
      row.replay_count++;
      row.replayed_at = 2;
      return Response.json({ replayed: id, replayCount: row.replay_count }, { status: 202 });
    }
    const limit = Number(url.searchParams.get("limit") ?? 100);
    const from = Number(url.searchParams.get("cursor") ?? 0);
    return Response.json({
      deadLetters: rows.slice(from, from + limit),
      nextCursor: from + limit < rows.length ? String(from + limit) : null,
    });
  };
  return { rows, answer };
}

const replayCalls = (calls: Recorded[]) => calls.filter((c) => c.method === "POST").length;

describe("fabric dlq list, page by page", () => {
  it("shows the oldest 100 and says on stderr that the queue holds more", async () => {
    const { answer } = queue(250);
    const r = await cli(["dlq", "list", "facts", "--json"], answer);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { id: string }[]).map((d) => d.id)).toEqual(
      Array.from({ length: 100 }, (_, i) => `d${i}`),
    );
    expect(r.err).toBe("the oldest 100 shown; the queue holds more: add --all, or --limit <n>\n");
  });

  it("--all reads every page; --limit reads across pages up to the limit", async () => {
    const { answer } = queue(2500);
    const all = await cli(["dlq", "list", "facts", "--all", "--json"], answer);
    expect((JSON.parse(all.out) as unknown[]).length).toBe(2500);
    expect(all.calls.map((c) => new URL(c.url).searchParams.get("cursor"))).toEqual([null, "1000", "2000"]);
    expect(all.err).toBe("");
    const some = await cli(["dlq", "list", "facts", "--limit", "1200", "--json"], answer);
    expect((JSON.parse(some.out) as unknown[]).length).toBe(1200);
    expect(some.calls.map((c) => new URL(c.url).searchParams.get("limit"))).toEqual(["1000", "200"]);
    expect((await cli(["dlq", "list", "facts", "--all", "--limit", "5"], answer)).code).toBe(2);
  });
});

describe("fabric dlq replay --all", () => {
  it("replays each dead letter not replayed before, prints the summary and exits 0", async () => {
    const { answer, rows } = queue(30);
    const r = await cli(["dlq", "replay", "facts", "--all"], answer);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(
      [
        "replayed 20 of the 30 dead letters of facts",
        "  already replayed before (skipped): 10",
        "  already gone: 0",
        "  failed: 0",
        "",
      ].join("\n"),
    );
    expect(replayCalls(r.calls)).toBe(20);
    expect(rows.every((d) => d.replay_count === 1)).toBe(true);
    // Run again (as after Ctrl-C): nothing is re-sent.
    const again = await cli(["dlq", "replay", "facts", "--all", "--json"], answer);
    expect(JSON.parse(again.out)).toMatchObject({ listed: 30, replayed: 0, alreadyReplayed: 30, failed: [] });
    expect(replayCalls(again.calls)).toBe(0);
  });

  it("lists each failure with its reason and exits 1; a dead letter gone is counted, not failed", async () => {
    const { answer } = queue(6, {
      d1: () => problem(500, { title: "Internal error", detail: "queue send failed" }),
      d2: () => problem(404, { detail: "no dead letter d2 on queue facts" }),
    });
    const r = await cli(["dlq", "replay", "facts", "--all"], answer);
    expect(r.code).toBe(1);
    expect(r.out).toContain("replayed 2 of the 6 dead letters of facts");
    expect(r.out).toContain("  already gone: 1\n");
    expect(r.out).toContain("  failed: 1\n    d1: 500 queue send failed\n");
    expect(r.err).toContain("error: 1 dead letters of facts failed to replay (listed above); run it again");
  });

  it("lists the first 20 failures on a terminal and every one with --json", async () => {
    const failing = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [`d${i}`, () => problem(500, { detail: "queue send failed" })]),
    );
    const { answer } = queue(25, failing);
    const r = await cli(["dlq", "replay", "facts", "--all", "--include-replayed"], answer);
    expect(r.out).toContain("  failed: 25\n");
    expect(r.out.match(/: 500 queue send failed/g)).toHaveLength(20);
    expect(r.out).toContain("    … 5 more\n(the first 20 of each; --json lists them all)\n");
    const all = await cli(["dlq", "replay", "facts", "--all", "--include-replayed", "--json"], answer);
    expect(JSON.parse(all.out).failed).toHaveLength(25);
  });

  it("stops cleanly when interrupted, and says how to resume", async () => {
    const stop = new AbortController();
    const { answer } = queue(40);
    let replays = 0;
    const r = await cli(
      ["dlq", "replay", "facts", "--all", "--concurrency", "1"],
      (req) => {
        if (req.method === "POST" && ++replays === 5) stop.abort();
        return answer(req);
      },
      { signal: stop.signal },
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^interrupted: replayed 5 of the 40/);
    expect(r.out).toContain("run the same command again to replay the rest");
  });

  it("draws a progress bar when asked, and refuses an id together with --all", async () => {
    const { answer } = queue(9);
    const r = await cli(["--progress", "dlq", "replay", "facts", "--all"], answer);
    expect(r.drawn).toContain("replay facts [");
    expect(r.drawn).toContain("6/6 | 6 replayed, 0 failed");
    expect((await cli(["dlq", "replay", "facts", "d1", "--all"], answer)).code).toBe(2);
    expect((await cli(["dlq", "replay", "facts"], answer)).code).toBe(2);
  });

  it("a repeated single replay says it was a repeat, applied once", async () => {
    const { answer } = queue(3);
    const r = await cli(["dlq", "replay", "facts", "d0"], answer);
    expect(r.out).toBe("replayed d0 (again: 2 times now; applied once)\n");
  });
});
