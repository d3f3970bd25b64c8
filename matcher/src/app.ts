import { OpenAPIHono, z } from "@hono/zod-openapi";
import { shardCount, shardName } from "../../shared/src/contract/topology";
import { deadLetterListAnswer } from "../../shared/src/dead-letter-page";
import { replayDeadLetter } from "../../shared/src/dead-letters";
import { requireAdmin } from "../../shared/src/http/bearer";
import { ADMIN_BODY_LIMIT, limitBody } from "../../shared/src/http/body-limit";
import { rejectEncodedBody } from "../../shared/src/http/content-encoding";
import { deadLetterListRoute, deadLetterReplayRoute } from "../../shared/src/http/dead-letter-routes";
import { onError } from "../../shared/src/http/errors";
import { rejectMalformedUrl } from "../../shared/src/http/malformed-url";
import { ADMIN, ADMIN_PROBLEMS } from "../../shared/src/http/openapi-docs";
import { routeNotFound } from "../../shared/src/http/route-not-found";
import { validationHook } from "../../shared/src/http/validation-hook";
import { fail } from "../../shared/src/problem";
import { DeliverySchema, deliveryHealth } from "./delivery-health";
import { deliveryRetryRoute, retryAnswer } from "./delivery-retry";
import type { MatcherEnv } from "./env";
import { ProjectorHealthSchema, projectorHealth, readProjectorFailures } from "./projector-health";

/** Matcher admin routes: per-shard stats, "retry now" of the outboxes and the facts dead letters (list, replay). */
export const app = new OpenAPIHono<{ Bindings: MatcherEnv }>({ defaultHook: validationHook });
app.onError(onError);
app.notFound(routeNotFound(app));
app.use("*", rejectMalformedUrl);
app.use("*", rejectEncodedBody);
app.use("*", limitBody(ADMIN_BODY_LIMIT));
app.get("/healthz", (c) => c.json({ status: "ok", shards: shardCount(c.env) }));
app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "matcher", version: "1.0.0" } });
app.use("/v1/*", requireAdmin<{ Bindings: MatcherEnv }>());

const ShardStats = z
  .record(z.string(), z.number().nullable())
  .describe("A shard's counters: shard, factsApplied, factsStale, duplicates, matches, outboxBacklog, …")
  .openapi("ShardStats");
const Count = z.number().int();
const StatsSchema = z
  .object({
    totals: z.object({
      factsApplied: Count,
      factsStale: Count,
      duplicates: Count,
      matches: Count,
      outboxBacklog: Count,
      oldestUndeliveredAgeMs: z.number().nullable(),
      matchesDelivered: Count,
      matchesRefused: Count,
      notifyFailures: Count,
      factsUnwatched: Count.describe("facts of streams no monitor reads (a typo'd subject, a feed nobody watches)"),
    }),
    shards: z.array(ShardStats),
    queues: z.record(
      z.string(),
      z.object({ lagMs: z.number(), lastBatchSize: Count, lastBatchAt: z.number().describe("epoch ms") }),
    ),
    wakes: z.object({
      pending: Count,
      oldestAgeMs: z.number().nullable(),
      ratePerSecond: z.number().nullable(),
      heldUntil: z.number().nullable().describe("epoch ms"),
      rateLimited: Count,
      sessionWakes: Count.describe("coalesced wakes handed to sessions: one offer, at most one creation or event each"),
      coalesced: Count.describe("matches that rode in another match's wake (same workflow, same batch)"),
    }),
    deadLetters: z.object({ facts: Count, events: Count, wakes: Count }),
    delivery: DeliverySchema,
    projector: ProjectorHealthSchema,
  })
  .openapi("FabricStats");

const SHARD_EXAMPLE = { shard: 0, factsApplied: 1200, factsStale: 0, duplicates: 3, matches: 2, outboxBacklog: 0 };
const STATS_EXAMPLE: z.output<typeof StatsSchema> = {
  totals: {
    factsApplied: 1200,
    factsStale: 0,
    duplicates: 3,
    matches: 2,
    outboxBacklog: 0,
    oldestUndeliveredAgeMs: null,
    matchesDelivered: 2,
    matchesRefused: 0,
    notifyFailures: 0,
    factsUnwatched: 0,
  },
  shards: [SHARD_EXAMPLE],
  queues: { facts: { lagMs: 40, lastBatchSize: 25, lastBatchAt: 1764942600000 } },
  wakes: {
    pending: 0,
    oldestAgeMs: null,
    ratePerSecond: 40,
    heldUntil: null,
    rateLimited: 0,
    sessionWakes: 12,
    coalesced: 30,
  },
  deadLetters: { facts: 0, events: 0, wakes: 0 },
  delivery: {
    delivered: 2,
    refused: 0,
    failedAttempts: 0,
    lastFailure: null,
    lastRefusal: null,
    lastDeliveredAt: 1764942598000,
  },
  projector: { failingSince: null, failedBatches: 0, lastFailure: null },
};

app.openapi(
  {
    method: "get",
    path: "/v1/admin/shards",
    operationId: "listShardStats",
    tags: ["admin"],
    summary: "Per-shard facts applied, matches, outbox backlog and oldest undelivered match age",
    ...ADMIN,
    responses: {
      ...ADMIN_PROBLEMS,
      200: {
        description: "Stats",
        content: {
          "application/json": {
            schema: z.object({ shards: z.array(ShardStats) }),
            example: { shards: [SHARD_EXAMPLE] },
          },
        },
      },
    },
  },
  async (c) => {
    const n = shardCount(c.env);
    const shards = await Promise.all(
      Array.from({ length: n }, async (_, i) => ({
        shard: i,
        ...(await c.env.SHARDS.get(c.env.SHARDS.idFromName(shardName(i))).stats()),
      })),
    );
    return c.json({ shards }, 200);
  },
);

app.openapi(
  {
    method: "get",
    path: "/v1/admin/stats",
    operationId: "getStats",
    tags: ["admin"],
    summary: "Facts, matches, outbox and wake backlogs, queue lag and dead letters, fabric-wide",
    ...ADMIN,
    responses: {
      ...ADMIN_PROBLEMS,
      200: { description: "Stats", content: { "application/json": { schema: StatsSchema, example: STATS_EXAMPLE } } },
    },
  },
  async (c) => {
    const n = shardCount(c.env);
    const stubs = Array.from({ length: n }, (_, i) => c.env.SHARDS.get(c.env.SHARDS.idFromName(shardName(i))));
    const [shards, notes, dlq, lag, wakes, projectorFailures] = await Promise.all([
      Promise.all(stubs.map(async (stub, i) => ({ shard: i, ...(await stub.stats()) }))),
      Promise.all(stubs.map((stub) => stub.deliveryNotes())),
      c.env.DB.prepare(
        "SELECT source_queue, COUNT(*) AS n FROM dead_letters WHERE replayed_at IS NULL GROUP BY source_queue",
      ).all<{
        source_queue: string;
        n: number;
      }>(),
      c.env.DB.prepare("SELECT queue, lag_ms, batch_size, at FROM consumer_lag").all<{
        queue: string;
        lag_ms: number;
        batch_size: number;
        at: number;
      }>(),
      c.env.DB.prepare(
        "SELECT accepted, delivered, rate_limited, rate_per_s, held_until, wakes, coalesced FROM wake_backlog WHERE id = 0",
      ).first<{
        accepted: number;
        delivered: number;
        rate_limited: number;
        rate_per_s: number | null;
        held_until: number | null;
        wakes: number;
        coalesced: number;
      }>(),
      readProjectorFailures(c.env.DB),
    ]);
    const pendingWakes = Math.max(0, (wakes?.accepted ?? 0) - (wakes?.delivered ?? 0));
    const wakesLag = lag.results.find((r) => r.queue === "wakes");
    const sum = (k: string) => shards.reduce((a, s) => a + (Number((s as Record<string, unknown>)[k]) || 0), 0);
    const ages = shards
      .map((s) => (s as Record<string, unknown>).oldestUndeliveredAgeMs)
      .filter((v): v is number => typeof v === "number");
    return c.json(
      {
        totals: {
          factsApplied: sum("factsApplied"),
          factsStale: sum("factsStale"),
          duplicates: sum("duplicates"),
          matches: sum("matches"),
          outboxBacklog: sum("outboxBacklog"),
          oldestUndeliveredAgeMs: ages.length ? Math.max(...ages) : null,
          matchesDelivered: sum("matchesDelivered"),
          matchesRefused: sum("matchesRefused"),
          notifyFailures: sum("notifyFailures"),
          factsUnwatched: sum("factsUnwatched"),
        },
        shards,
        queues: Object.fromEntries(
          lag.results.map((r) => [r.queue, { lagMs: r.lag_ms, lastBatchSize: r.batch_size, lastBatchAt: r.at }]),
        ),
        // Trigger-match wake-ups accepted onto Queue "wakes" and not yet handed to their sessions; the
        // oldest age is the wakes consumer's lag at its last batch; the rate it paces creations to, and
        // until when a 429 from the platform holds it back.
        wakes: {
          pending: pendingWakes,
          oldestAgeMs: pendingWakes > 0 ? (wakesLag?.lag_ms ?? null) : null,
          ratePerSecond: wakes?.rate_per_s ?? null,
          heldUntil: wakes?.held_until ?? null,
          rateLimited: wakes?.rate_limited ?? 0,
          sessionWakes: wakes?.wakes ?? 0,
          coalesced: wakes?.coalesced ?? 0,
        },
        deadLetters: Object.fromEntries(
          ["facts", "events", "wakes"].map((q) => [q, dlq.results.find((r) => r.source_queue === q)?.n ?? 0]),
        ) as { facts: number; events: number; wakes: number },
        delivery: deliveryHealth(
          shards.map((counters, i) => ({
            shard: i,
            counters,
            notes: notes[i] ?? { lastFailure: null, lastRefusal: null, lastDeliveredAt: null },
          })),
        ),
        projector: projectorHealth(projectorFailures),
      },
      200,
    );
  },
);

app.openapi(deliveryRetryRoute, async (c) => {
  const n = shardCount(c.env);
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) => c.env.SHARDS.get(c.env.SHARDS.idFromName(shardName(i))).retryDeliveries()),
  );
  return c.json(retryAnswer(answers), 202);
});

app.openapi(deadLetterListRoute("facts"), async (c) => {
  return c.json(await deadLetterListAnswer(c.env.DB, "facts", c.req.valid("query"), false), 200);
});

app.openapi(deadLetterReplayRoute("facts"), async (c) => {
  const { id } = c.req.valid("param");
  // Shards drop facts whose eventId they already applied, so replaying twice applies nothing twice.
  const sent = await replayDeadLetter(c.env.DB, "facts", id, (body, t) =>
    c.env.FACTS_QUEUE.send(body as Uint8Array, t),
  );
  if (!sent) fail("not_found", `no dead letter ${id} on queue facts`);
  return c.json({ replayed: id, replayCount: sent.replayCount }, 202);
});
