import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ProblemError } from "../../../shared/src/problem";
import { shardOf } from "../../../shared/src/streams";
import type { IngestEnv } from "../../src/env";
import { reserveKeys } from "../../src/reserve-keys";

const ingestEnv = env as unknown as IngestEnv;

describe("a push whose dedupeKeys another request still holds", () => {
  it("answers 409 with Retry-After once it has waited its limit, so a client knows to send it again", async () => {
    const key = `in-flight-${crypto.randomUUID()}`;
    const shards = Math.max(1, Number(ingestEnv.DEDUPE_SHARDS ?? 4) || 4);
    const ledger = ingestEnv.DEDUPE.get(ingestEnv.DEDUPE.idFromName(`dev-producer:${shardOf(key, shards)}`));
    // Another request reserved the key and has not settled (its lease runs 30 s).
    const held = await ledger.reserve("other-request", [{ key, eventId: "01HELD" }], 30_000, 60_000);
    expect(held.busy).toBe(false);

    const refused = await reserveKeys(ingestEnv, "dev-producer", [{ key, eventId: "01MINE" }], 100).catch((e) => e);
    expect(refused).toBeInstanceOf(ProblemError);
    const { problem, headers } = refused as ProblemError;
    expect(problem.status).toBe(409);
    expect(headers).toEqual({ "retry-after": "1" });

    // Once the holder settles, the same push goes through and gets the holder's eventId.
    await ledger.settle("other-request", true);
    const after = await reserveKeys(ingestEnv, "dev-producer", [{ key, eventId: "01MINE" }], 100);
    expect(after.results.map((r) => r.eventId)).toEqual(["01HELD"]);
    await after.settle(true);
  });
});
