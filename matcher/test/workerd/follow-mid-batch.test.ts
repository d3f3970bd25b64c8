import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ROUTES_NAME, shardCount, shardName } from "../../../shared/src/contract/topology";
import { shardOf } from "../../../shared/src/streams";
import type { MatcherEnv } from "../../src/env";
import worker from "../../src/index";
import { factsMessage, menv, priceFacts } from "./helpers";

/**
 * A monitor starts following a stream while a facts batch is in flight: the consumer read the
 * follower map before the follow was set, so it routes the batch to the owner only; the registry's
 * catch-up copy may already have read the owner's log. Once its shard calls are done the consumer
 * reads the map again and sends the batch's facts of that stream to the new follower, so the
 * follower misses none. Here the follow is set the moment the owner is first called (the shard
 * stubs are the real ones, wrapped only to set the follow at that point).
 */
describe("a follow set while a batch is in flight", () => {
  it("still brings the batch's facts of that stream to the new follower", async () => {
    const n = shardCount(menv);
    const facts = priceFacts("MIDB", [101, 102, 103]);
    const key = facts[0]?.streamKey ?? "";
    const owner = shardOf(key, n);
    const follower = (owner + 1) % n;
    const routes = menv.ROUTES.get(menv.ROUTES.idFromName(ROUTES_NAME));
    let followed = false;
    const shards = {
      idFromName: (name: string) => menv.SHARDS.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = menv.SHARDS.get(id);
        const ownerStub = id.equals(menv.SHARDS.idFromName(shardName(owner)));
        return {
          applyFacts: async (batch: typeof facts) => {
            if (ownerStub && !followed) {
              followed = true;
              await routes.setFollows("m-midb", follower, [key]);
            }
            return stub.applyFacts(batch);
          },
        };
      },
    };
    const env = { ...menv, SHARDS: shards } as unknown as MatcherEnv;
    const batch = createMessageBatch("facts", [
      { id: "midb-1", timestamp: new Date(), attempts: 1, body: factsMessage(facts) },
    ]);
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(["midb-1"]);
    expect(followed).toBe(true);

    const followerShard = menv.SHARDS.get(menv.SHARDS.idFromName(shardName(follower)));
    const held = await followerShard.exportFacts([key]);
    expect(held.map((f) => f.eventId)).toEqual(facts.map((f) => f.eventId));
    await routes.setFollows("m-midb", follower, []);
  });
});
