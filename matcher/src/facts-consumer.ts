import { lagStatement } from "../../shared/src/consumer-lag";
import { decodeFactsMessage, type JournalRef } from "../../shared/src/contract/facts-message";
import { maybeFail } from "../../shared/src/contract/faults";
import type { FollowerMap } from "../../shared/src/contract/shard-rpc";
import { journalName, ROUTES_NAME, shardCount, shardName } from "../../shared/src/contract/topology";
import { deadLetter } from "../../shared/src/dead-letters";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MatcherEnv } from "./env";
import { newlyRouted, routeFacts } from "./route-facts";

/**
 * The Queue "facts" consumer: decodes each msgpack message, routes its facts to shards (owner and
 * followers, delivery order kept) and calls each MatcherShard once per batch. A message that cannot
 * be decoded is a poison message: it is dead-lettered at once with its reason, without holding
 * back the good messages of the batch. A shard failure retries the messages whose facts it held.
 */
let routes: { version: number; followers: FollowerMap } = { version: -1, followers: {} };

export async function consumeFacts(batch: MessageBatch<unknown>, env: MatcherEnv): Promise<void> {
  maybeFail(env.FAULTS, "consumer-throw", 0.1);
  const decoded: { message: Message<unknown>; facts: AcceptedFact[]; journal?: JournalRef }[] = [];
  for (const message of batch.messages) {
    const body = decodeFactsMessage(message.body);
    if (typeof body === "string") await deadLetter(env.FACTS_DLQ, "facts", message, body);
    else decoded.push({ message, facts: body.facts, ...(body.journal ? { journal: body.journal } : {}) });
  }
  if (decoded.length === 0) return;

  const table = env.ROUTES.get(env.ROUTES.idFromName(ROUTES_NAME));
  const [fresh] = await Promise.all([table.snapshot(routes.version), recordLag(env, batch.messages)]);
  if (fresh) routes = fresh;

  const used = routes;
  const all = decoded.flatMap((d) => d.facts);
  const byShard = routeFacts(all, shardCount(env), used.followers);
  const apply = (routed: Map<number, AcceptedFact[]>) =>
    Promise.allSettled(
      [...routed.entries()].map(async ([n, facts]) => {
        const shard = env.SHARDS.get(env.SHARDS.idFromName(shardName(n)));
        const followed = [...new Set(facts.map((f) => f.streamKey))].filter((k) => used.followers[k]?.length);
        return { n, facts, result: await applyWithRetry(() => shard.applyFacts(facts, followed)) };
      }),
    );
  const attempted = [...byShard.values()];
  const attemptedShards = [...byShard.keys()];
  const results = await apply(byShard);
  // A follow set while this batch was in flight: its new follower may have missed facts the owner
  // logged after the registry's catch-up read (route-facts.ts newlyRouted). Sent now, once applied.
  const later = await table.snapshot(used.version);
  if (later) {
    routes = later.version > routes.version ? later : routes;
    const missed = newlyRouted(all, shardCount(env), used.followers, later.followers);
    if (missed.size > 0) {
      attempted.push(...missed.values());
      attemptedShards.push(...missed.keys());
      results.push(...(await apply(missed)));
    }
  }
  const failedEventIds = new Set<string>();
  let firstError = "";
  results.forEach((r, i) => {
    if (r.status === "rejected") {
      firstError ||= String(r.reason).slice(0, 300);
      const facts = attempted[i] ?? [];
      for (const f of facts) failedEventIds.add(f.eventId);
      const shard = attemptedShards[i];
      console.error(
        JSON.stringify({
          level: "error",
          msg: "shard batch failed",
          event: "shard_batch_failed",
          shard,
          error: String(r.reason),
        }),
      );
    }
  });
  // Messages whose facts all landed are acked (here and in the fact journal); the others retry
  // (shards drop what they already applied).
  const settled: JournalRef[] = [];
  for (const d of decoded) {
    const failed = d.facts.some((f) => failedEventIds.has(f.eventId));
    if (!failed) {
      d.message.ack();
      if (d.journal) settled.push(d.journal);
    } else if (d.message.attempts >= 5) {
      await deadLetter(env.FACTS_DLQ, "facts", d.message, `a shard kept failing on these facts: ${firstError}`);
      if (d.journal) settled.push(d.journal);
    } else d.message.retry({ delaySeconds: Math.min(30, 2 ** d.message.attempts) });
  }
  await ackJournal(env, settled);
}

/** Tells the fact journal these messages are applied (or dead-lettered with their reason). */
async function ackJournal(env: MatcherEnv, refs: JournalRef[]): Promise<void> {
  const byShard = new Map<number, string[]>();
  for (const r of refs) byShard.set(r.shard, [...(byShard.get(r.shard) ?? []), r.id]);
  await Promise.all(
    [...byShard.entries()].map(([shard, ids]) =>
      // A lost ack only means the journal sends the message again, which shards then drop.
      env.JOURNAL.get(env.JOURNAL.idFromName(journalName(shard)))
        .ack(ids)
        .catch((err: unknown) =>
          console.error(
            JSON.stringify({
              level: "warn",
              msg: "journal ack failed",
              event: "journal_ack_failed",
              error: String(err),
            }),
          ),
        ),
    ),
  );
}

/**
 * A shard call that fails (overloaded, restarted) is retried here a few times before the message
 * goes back to the queue: a queue retry comes later, after newer facts of the same streams, which
 * would then make these stale. Retrying in place keeps each stream in delivery order.
 */
async function applyWithRetry<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 50 * 4 ** attempt));
    }
  }
}

/** Queue lag for /v1/admin/stats, written at most once a second per isolate (a D1 write per batch costs throughput). */
let lagWrittenAt = 0;
async function recordLag(env: MatcherEnv, messages: readonly Message<unknown>[]): Promise<void> {
  if (Date.now() - lagWrittenAt < 1000) return;
  lagWrittenAt = Date.now();
  await lagStatement(env.DB, "facts", messages).run();
}
