import { describe, expect, it } from "vitest";
import { cli } from "./harness";

const producer = { FABRIC_URL: "http://f", FABRIC_PRODUCER_TOKEN: "prod-t" };
const tick = (i: number) => ({ kind: "market_price", subject: { symbol: "BTC" }, observedAt: i, data: { price: i } });

/** The fabric's 202 naming, within its request, every fact whose key was already used earlier in it. */
function acceptNamingRepeats(req: { body: string }): Response {
  const facts = JSON.parse(req.body).facts as { dedupeKey: string }[];
  const first = new Map<string, number>();
  const conflicts = facts.flatMap((f, index) => {
    const at = first.get(f.dedupeKey);
    if (at === undefined) first.set(f.dedupeKey, index);
    return at === undefined ? [] : [{ index, dedupeKey: f.dedupeKey, eventId: `ev-${at}` }];
  });
  const body = { accepted: facts.length - conflicts.length, duplicates: conflicts.length, eventIds: [] };
  return Response.json(conflicts.length ? { ...body, conflicts } : body, { status: 202 });
}

describe("fabric push warns about reused dedupeKeys", () => {
  it("prints a warning per conflict on stderr (first 5, then a count) with the fix, the summary on stdout", async () => {
    // A key of symbol and minute: 8 ticks in one minute share one key, and 7 of them are lost.
    const ticks = Array.from({ length: 8 }, (_, i) => tick(1_795_341_600_000 + i * 1000));
    const r = await cli(["push", "p.ndjson", "--dedupe-key", "{subject.symbol}:minute"], acceptNamingRepeats, {
      files: { "p.ndjson": ticks.map((t) => JSON.stringify(t)).join("\n") },
      env: producer,
    });
    expect(r.code).toBe(0);
    expect(r.out).toBe("pushed 8 facts: 1 accepted, 7 duplicates\n");
    const warnings = r.err.split("\n").filter((l) => l.startsWith("warning: "));
    expect(warnings.slice(0, 5)).toEqual(
      [1, 2, 3, 4, 5].map(
        (i) =>
          `warning: facts.${i} (p.ndjson fact ${i + 1}): dedupeKey "BTC:minute" was reused with different content; this fact was not recorded (the key's fact is ev-0)`,
      ),
    );
    expect(warnings[5]).toBe("warning: … and 2 more facts like it (--json lists all)");
    expect(warnings[6]).toContain("make dedupeKey unique per fact");
    expect(warnings[6]).toContain("7 facts were lost to reused keys");
    expect(warnings.length).toBe(7);
  });

  it("numbers conflicts by the input across 1000-fact chunks, and --json lists them all", async () => {
    const ticks = Array.from({ length: 1500 }, (_, i) => ({ ...tick(i), dedupeKey: i === 1200 ? "k1100" : `k${i}` }));
    const r = await cli(["push", "-", "--json"], acceptNamingRepeats, {
      stdin: ticks.map((t) => JSON.stringify(t)).join("\n"),
      env: producer,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).conflicts).toEqual([{ index: 1200, dedupeKey: "k1100", eventId: "ev-100" }]);
    expect(r.err).toContain('warning: facts.1200 (stdin fact 1201): dedupeKey "k1100" was reused');
  });

  it("prints no warning and no conflicts field when the fabric names none", async () => {
    const r = await cli(["push", "-", "--json"], acceptNamingRepeats, {
      stdin: JSON.stringify([tick(1), tick(2)]),
      env: producer,
    });
    expect(r.err).toBe("");
    expect(JSON.parse(r.out)).toEqual({ accepted: 2, duplicates: 0, eventIds: [] });
  });
});
