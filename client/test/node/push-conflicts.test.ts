import { describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import type { FabricError } from "../../src/errors";
import { accept, fakeFetch, price, problem, type Recorded } from "./fake-fetch";

/** The fabric's 202 naming, within its request, every fact whose dedupeKey starts with "reused". */
function acceptNamingReused(req: Recorded): Response {
  const answer = accept(req);
  const facts = (JSON.parse(req.body) as { facts: { dedupeKey?: string }[] }).facts;
  const conflicts = facts.flatMap((f, index) =>
    f.dedupeKey?.startsWith("reused") ? [{ index, dedupeKey: f.dedupeKey, eventId: `ev-recorded-${f.dedupeKey}` }] : [],
  );
  return conflicts.length === 0
    ? answer
    : Response.json(
        { accepted: facts.length, duplicates: 0, eventIds: facts.map(() => "ev"), conflicts },
        { status: 202 },
      );
}

const fabricWith = (fetch: ReturnType<typeof fakeFetch>["fetch"]) =>
  new FabricClient({ baseUrl: "http://fabric.test/", producerToken: "p-token", fetch, sleep: async () => {} });

describe("facts.push conflicts", () => {
  it("numbers conflicts by the caller's array across a split push, not by each request", async () => {
    const f = fakeFetch(acceptNamingReused);
    const keys = ["a", "b", "c", "reused-1", "d", "reused-2", "e"];
    const facts = keys.map((k, i) => ({ ...price(i), dedupeKey: k }));
    const out = await fabricWith(f.fetch).facts.push(facts, { maxFacts: 3 });
    expect(f.calls.length).toBe(3);
    expect(out.conflicts).toEqual([
      { index: 3, dedupeKey: "reused-1", eventId: "ev-recorded-reused-1" },
      { index: 5, dedupeKey: "reused-2", eventId: "ev-recorded-reused-2" },
    ]);
  });

  it("leaves conflicts out when the fabric names none, as the wire does", async () => {
    const out = await fabricWith(fakeFetch(accept).fetch).facts.push([price(1)], { dedupeKey: () => "k" });
    expect(out).toEqual({ accepted: 1, duplicates: 0, eventIds: ["ev-k"] });
  });

  it("keeps the conflicts of the requests before a failure in the error's pushed, in the caller's numbering", async () => {
    const f = fakeFetch((req, n) => (n < 2 ? acceptNamingReused(req) : problem(400)));
    const facts = ["a", "reused-1", "b", "reused-2", "c"].map((k, i) => ({ ...price(i), dedupeKey: k }));
    const error = (await fabricWith(f.fetch)
      .facts.push(facts, { maxFacts: 2 })
      .catch((e: unknown) => e)) as FabricError;
    expect(error.pushed?.conflicts?.map((c) => c.index)).toEqual([1, 3]);
  });
});
