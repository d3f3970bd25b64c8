import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import { fakeFetch, price, problem } from "./fake-fetch";

/**
 * facts.push under a fast-check schedule of failures from a dedupe-aware stand-in for ingest:
 * a 429 (with or without Retry-After), a 503, a connection dropped before the request is read, or
 * one dropped after it was recorded (the client sees a failure for a push that went through). Over
 * several concurrent pushes of several streams, every fact is recorded exactly once, each stream's
 * facts are recorded in the order they were pushed, and each push answers the eventIds the fabric
 * assigned, in the caller's order.
 */
type Outcome = "ok" | "429" | "429-retry-after" | "503" | "drop-before" | "drop-after";
const outcome = fc.constantFrom<Outcome>("ok", "429", "429-retry-after", "503", "drop-before", "drop-after");

describe("facts.push under a schedule of failures", () => {
  it("records every fact exactly once, in push order per stream, and answers its eventIds", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(outcome, { maxLength: 30 }),
        fc.array(fc.array(fc.constantFrom("A", "B", "C"), { minLength: 1, maxLength: 12 }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (schedule, pushes) => {
          const log: { key: string; symbol: string; eventId: string }[] = [];
          const byKey = new Map<string, string>();
          const f = fakeFetch((req, n) => {
            const step = schedule[n] ?? "ok";
            if (step === "drop-before") throw new TypeError("socket hang up");
            if (step === "429") return problem(429);
            if (step === "429-retry-after") return problem(429, {}, { "retry-after": "1" });
            if (step === "503") return problem(503);
            const facts = JSON.parse(req.body).facts as { dedupeKey: string; subject: { symbol: string } }[];
            let accepted = 0;
            const eventIds = facts.map((x) => {
              const known = byKey.get(x.dedupeKey);
              if (known) return known;
              const eventId = `ev${log.length}`;
              byKey.set(x.dedupeKey, eventId);
              log.push({ key: x.dedupeKey, symbol: x.subject.symbol, eventId });
              accepted++;
              return eventId;
            });
            if (step === "drop-after") throw new TypeError("connection reset after the request was read");
            return Response.json({ accepted, duplicates: facts.length - accepted, eventIds }, { status: 202 });
          });
          const fabric = new FabricClient({
            baseUrl: "http://fabric.test",
            producerToken: "p",
            fetch: f.fetch,
            retry: { maxAttempts: 100, maxElapsedMs: Number.MAX_SAFE_INTEGER },
            sleep: () => new Promise((r) => setTimeout(r, 0)),
          });
          let seq = 0;
          const batches = pushes.map((symbols) => symbols.map((s) => ({ ...price(seq, s), seq: seq++ })));
          const results = await Promise.all(
            batches.map((facts) =>
              fabric.facts.push(
                facts.map(({ seq: _, ...fact }) => fact),
                { dedupeKey: (x) => `k${x.observedAt}`, maxFacts: 4 },
              ),
            ),
          );
          const all = batches.flat();
          expect(log.map((l) => l.key).sort()).toEqual(all.map((x) => `k${x.observedAt}`).sort());
          for (const s of ["A", "B", "C"]) {
            const pushed = all.filter((x) => x.subject.symbol === s).map((x) => `k${x.observedAt}`);
            expect(log.filter((l) => l.symbol === s).map((l) => l.key)).toEqual(pushed);
          }
          for (const [i, facts] of batches.entries()) {
            expect(results[i]?.eventIds).toEqual(facts.map((x) => byKey.get(`k${x.observedAt}`)));
            expect((results[i]?.accepted ?? 0) + (results[i]?.duplicates ?? 0)).toBe(facts.length);
          }
          const accepted = results.reduce((n, r) => n + r.accepted, 0);
          expect(accepted).toBeLessThanOrEqual(all.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
