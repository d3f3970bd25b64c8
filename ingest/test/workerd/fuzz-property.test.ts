import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FactInputSchema } from "../../../shared/src/facts";
import { clearSink, landedFacts, priceFact, push } from "./helpers";

const token = fc.oneof(
  fc.constant("Bearer dev-producer-token"),
  fc.constant("Bearer dev-market-token"),
  fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
  fc.string({ maxLength: 40 }),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/msgpack",
  "text/plain",
  "",
  "application/json; charset=utf-8",
);
const almostFact = fc.record(
  {
    kind: fc.oneof(fc.constantFrom("market_price", "portfolio_cash_pct", "approval_pending_count"), fc.string()),
    subject: fc.oneof(
      fc.constant({ symbol: "X" }),
      fc.constant({ portfolioId: "p" }),
      fc.dictionary(fc.string(), fc.string()),
    ),
    observedAt: fc.oneof(fc.integer(), fc.string(), fc.constant("2026-11-22T10:00:00Z")),
    data: fc.oneof(
      fc.record({ price: fc.oneof(fc.double(), fc.string()) }),
      fc.record({ value: fc.oneof(fc.double({ min: -10, max: 200 }), fc.integer()) }),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.array(almostFact, { maxLength: 5 }).map((facts) => JSON.stringify({ facts })),
  fc.string({ unit: "binary", maxLength: 200 }),
);

describe("POST /v1/facts under arbitrary input", () => {
  it("never answers 5xx, always answers problem+json on error, and enqueues only valid batches", async () => {
    await clearSink();
    let expected = 0;
    await fc.assert(
      fc.asyncProperty(token, contentType, body, async (authorization, type, text) => {
        const res = await push(text, { authorization, "content-type": type });
        expect(res.status).toBeLessThan(500);
        if (res.status === 202) {
          const parsed = JSON.parse(text) as { facts: unknown[] };
          for (const f of parsed.facts) expect(FactInputSchema.safeParse(f).success).toBe(true);
          expected += parsed.facts.length;
        } else {
          expect(res.headers.get("content-type")).toContain("application/problem+json");
        }
        await res.arrayBuffer();
      }),
      { numRuns: 300 },
    );
    // A valid push at the end, then everything that landed must be exactly the accepted facts.
    expect((await push({ facts: [priceFact(1)] })).status).toBe(202);
    expected += 1;
    await new Promise((r) => setTimeout(r, 400));
    expect((await landedFacts()).length).toBe(expected);
  });
});
