import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, eventually } from "./helpers";

type Letter = { id: string; reason: string; replayed_at: number | null; replay_count: number };
type Page = { deadLetters: Letter[]; nextCursor: string | null };

const bindings = env as unknown as { DB: D1Database; FACTS_QUEUE: Queue<Uint8Array> };
/** The facts dead letters in recording order, as D1 holds them. */
const recorded = async () =>
  (
    await bindings.DB.prepare("SELECT id FROM dead_letters WHERE source_queue = 'facts' ORDER BY seq").all<{
      id: string;
    }>()
  ).results.map((r) => r.id);

/** Poison messages (not msgpack) onto Queue "facts": the matcher's consumer dead-letters each one. */
async function poison(n: number): Promise<void> {
  for (let at = 0; at < n; at += 100) {
    const batch = Array.from({ length: Math.min(100, n - at) }, () => ({
      body: new Uint8Array([0xc1]),
      contentType: "v8" as const,
    }));
    await bindings.FACTS_QUEUE.sendBatch(batch);
  }
}

const page = async (query: string) => {
  const res = await call("GET", `/v1/admin/dead-letters/facts${query}`);
  expect(res.status, res.text).toBe(200);
  return res.json as unknown as Page;
};

describe("dead letters at an outage's scale", () => {
  it("pages a queue oldest first, each dead letter once, while others are replayed and new ones arrive", async () => {
    await poison(130);
    const before = await eventually(recorded, (ids) => ids.length >= 130, 30_000);
    expect(before.length).toBe(130);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const got: Page = await page(`?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...got.deadLetters.map((d) => d.id));
      cursor = got.nextCursor;
      pages++;
      if (pages === 1) {
        // Mid-walk: replay one already read and one not yet read. Each poison body fails again, so
        // its consumer records a new dead letter, which must come after every earlier one.
        for (const id of [before[3], before[120]]) {
          const r = await call("POST", `/v1/admin/dead-letters/facts/${id}/replay`);
          expect(r.status, r.text).toBe(202);
        }
        await eventually(recorded, (ids) => ids.length >= 132, 30_000);
      }
    } while (cursor);

    expect(seen.slice(0, 130)).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(await recorded());
    expect(seen.length).toBe(132);
    // A replayed dead letter stays listed, marked.
    const all = (await page("?limit=1000")).deadLetters;
    expect(all.find((d) => d.id === before[120])).toMatchObject({ replay_count: 1 });
    expect(all.find((d) => d.id === before[0])).toMatchObject({ replay_count: 0, replayed_at: null });
  });

  it("answers the last page with nextCursor null, and a cursor past the end with an empty page", async () => {
    const ids = await recorded();
    const first = await page(`?limit=${ids.length}`);
    expect(first.deadLetters.length).toBe(ids.length);
    expect(first.nextCursor).toBeNull();
    const shorter = await page(`?limit=${ids.length - 1}`);
    expect(shorter.nextCursor).not.toBeNull();
    const last = await page(`?limit=5&cursor=${encodeURIComponent(shorter.nextCursor ?? "")}`);
    expect(last.deadLetters.map((d) => d.id)).toEqual(ids.slice(-1));
    expect(last.nextCursor).toBeNull();
  });

  it("says what a repeated replay answers: 202 again, with the count of times it was re-sent", async () => {
    const [id] = await recorded();
    const once = await call("POST", `/v1/admin/dead-letters/facts/${id}/replay`);
    const twice = await call("POST", `/v1/admin/dead-letters/facts/${id}/replay`);
    expect([once.status, twice.status]).toEqual([202, 202]);
    expect(twice.json.replayCount).toBe((once.json.replayCount as number) + 1);
  });

  it("refuses a made-up cursor, another queue's cursor and an unknown key with a 400 saying how to fix it", async () => {
    const bad = await call("GET", "/v1/admin/dead-letters/facts?cursor=42");
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([
      {
        path: "query.cursor",
        message:
          "not a dead-letter cursor: pass the nextCursor of the previous page unchanged, or leave cursor out to start at the oldest",
      },
    ]);
    const facts = await page("?limit=1");
    const other = await call("GET", `/v1/admin/dead-letters/events?cursor=${facts.nextCursor}`);
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.json.errors)).toContain(
      "this cursor pages the dead letters of queue facts, not events",
    );
    const typo = await call("GET", "/v1/admin/dead-letters/wakes?limt=5");
    expect(typo.status).toBe(400);
    expect(typo.json.errors).toEqual([{ path: "query", message: 'unknown key "limt"; did you mean "limit"?' }]);
    const tooBig = await call("GET", "/v1/admin/dead-letters/facts?limit=1001");
    expect(tooBig.status).toBe(400);
  });

  it("documents limit, cursor and nextCursor in /openapi.json, generated from the routes", async () => {
    const doc = (await call("GET", "/openapi.json")).json as unknown as {
      paths: Record<string, { get?: { parameters?: { name: string }[]; responses: Record<string, unknown> } }>;
    };
    for (const q of ["facts", "events", "wakes"]) {
      const list = doc.paths[`/v1/admin/dead-letters/${q}`]?.get;
      expect(list?.parameters?.map((p) => p.name).sort()).toEqual(["cursor", "limit"]);
      expect(JSON.stringify(list?.responses["200"])).toContain("nextCursor");
    }
  });
});
