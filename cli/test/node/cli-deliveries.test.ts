import { describe, expect, it } from "vitest";
import { cli, problem } from "./harness";

/** An answer of POST /v1/admin/deliveries/retry on a fabric of four shards, two of them backed off. */
const MOVED = {
  madeDue: 1234,
  undelivered: 1240,
  shards: [
    { shard: 0, madeDue: 1200, undelivered: 1200 },
    { shard: 1, madeDue: 0, undelivered: 0 },
    { shard: 2, madeDue: 34, undelivered: 40 },
    { shard: 3, madeDue: 0, undelivered: 0 },
  ],
};
const NOTHING = { madeDue: 0, undelivered: 0, shards: MOVED.shards.map((s) => ({ ...s, madeDue: 0, undelivered: 0 })) };

/** The output's table rows, cells trimmed. */
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

describe("fabric deliveries retry", () => {
  it("POSTs the retry once and says how many matches it made due, by shard, leaving out the idle ones", async () => {
    const r = await cli(["deliveries", "retry"], () => Response.json(MOVED, { status: 202 }));
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(["POST /v1/admin/deliveries/retry"]);
    expect(r.out.split("\n")[0]).toBe("made 1,234 undelivered matches due now; each shard is delivering them");
    expect(rows(r.out)).toEqual([
      ["shard", "made due", "undelivered"],
      ["0", "1,200", "1,200"],
      ["2", "34", "40"],
    ]);
    expect(r.out).toContain("fabric stats");
  });

  it("says there was nothing to retry when no shard holds an undelivered match", async () => {
    const r = await cli(["deliveries", "retry"], () => Response.json(NOTHING, { status: 202 }));
    expect(r.code).toBe(0);
    expect(r.out).toBe("nothing to retry: no match waits for delivery on any shard\n");
  });

  it("says when matches wait but none was backed off (a second retry, or a delivery under way)", async () => {
    const due = { ...NOTHING, undelivered: 6, shards: [{ shard: 2, madeDue: 0, undelivered: 6 }] };
    const r = await cli(["deliveries", "retry"], () => Response.json(due, { status: 202 }));
    expect(r.out.split("\n")[0]).toBe(
      "no match was waiting out a backoff; 6 undelivered are due or being delivered now",
    );
  });

  it("prints exactly the answer with --json", async () => {
    const r = await cli(["deliveries", "retry", "--json"], () => Response.json(MOVED, { status: 202 }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(MOVED);
  });

  it("fails with the fabric's reason when the token lacks the write scope", async () => {
    const r = await cli(["deliveries", "retry"], () =>
      problem(403, { title: "Forbidden", detail: 'This token lacks the "write" scope' }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain('lacks the "write" scope');
  });
});
