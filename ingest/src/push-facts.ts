import { packMessages, sendMessages } from "../../shared/src/contract/facts-message";
import { journalName, journalShards } from "../../shared/src/contract/topology";
import {
  type AcceptedFact,
  type Fact,
  MAX_BODY_BYTES,
  MAX_FACTS_PER_REQUEST,
  PushFactsBodySchema,
} from "../../shared/src/facts";
import { refuseContentEncoding } from "../../shared/src/http/content-encoding";
import { newId } from "../../shared/src/ids";
import { fail, ProblemError, problem, validationProblem } from "../../shared/src/problem";
import { factStreamKey } from "../../shared/src/streams";
import { contentDigest } from "./content-digest";
import { findConflicts, type PushConflict } from "./dedupe-conflicts";
import type { IngestEnv } from "./env";
import { mayPush, type Producer } from "./producers";
import { bodyFormat, parseBody, readLimited } from "./read-body";
import { reserveKeys } from "./reserve-keys";
import { readSignedBody } from "./signed-push";

/**
 * `POST /v1/facts`: verify a signing producer's signature, validate the whole batch, drop repeats
 * of (producer, dedupeKey), enqueue the rest to Queue "facts", and only then answer 202. Nothing is
 * recorded when the signature is refused or the enqueue fails.
 *
 * `conflicts` (present only when there are some) names the duplicates whose content differs from
 * the fact recorded under their key: not recorded, and most likely a producer's key bug.
 *
 * @example const result = await pushFacts(request, env, producer); // { accepted, duplicates, eventIds }
 */
export type PushResult = { accepted: number; duplicates: number; eventIds: string[]; conflicts?: PushConflict[] };

export async function pushFacts(request: Request, env: IngestEnv, producer: Producer): Promise<PushResult> {
  // A signing producer's signature is checked first, over the bytes as received; the content type
  // and the parse come after it.
  const signed = producer.signingSecret ? await readSignedBody(request, producer, producer.signingSecret) : undefined;
  const format = bodyFormat(request.headers.get("content-type"));
  refuseContentEncoding(request.headers.get("content-encoding"), "JSON or msgpack, at most 1 MiB");
  const raw = parseBody(signed ?? (await readLimited(request, MAX_BODY_BYTES)), format);
  const facts = validateBatch(raw);
  const forbidden = facts.findIndex((f) => !mayPush(producer, f.kind));
  if (forbidden >= 0) {
    fail("forbidden", `producer ${producer.producerId} may not push kind ${facts[forbidden]?.kind}`, {
      errors: [{ path: `facts.${forbidden}.kind`, message: "kind not allowed for this producer" }],
    });
  }

  const receivedAt = Date.now();
  const eventIds = facts.map(() => newId(receivedAt));
  // Within one request a repeated dedupeKey is a duplicate of its first occurrence.
  const firstByKey = new Map<string, number>();
  const repeatOf: (number | undefined)[] = facts.map((f, i) => {
    if (f.dedupeKey === undefined) return undefined;
    const first = firstByKey.get(f.dedupeKey);
    if (first === undefined) firstByKey.set(f.dedupeKey, i);
    return first;
  });

  const digests = facts.map((f) => (f.dedupeKey === undefined ? undefined : contentDigest(f)));
  const keyed = [...firstByKey.entries()].map(([key, i]) => ({ key, eventId: eventIds[i] ?? "", digest: digests[i] }));
  const reservation = await reserveKeys(env, producer.producerId, keyed);
  const duplicateOf = new Map<string, string>();
  for (const r of reservation.results) {
    const i = firstByKey.get(r.key);
    if (i === undefined) continue;
    eventIds[i] = r.eventId;
    if (r.status === "duplicate") duplicateOf.set(r.key, r.eventId);
  }

  const accepted: AcceptedFact[] = [];
  let duplicates = 0;
  facts.forEach((f, i) => {
    const earlier = repeatOf[i];
    if (earlier !== undefined) {
      eventIds[i] = eventIds[earlier] ?? "";
      duplicates++;
      return;
    }
    if (f.dedupeKey !== undefined && duplicateOf.has(f.dedupeKey)) {
      duplicates++;
      return;
    }
    accepted.push({
      ...f,
      eventId: eventIds[i] ?? "",
      producerId: producer.producerId,
      receivedAt,
      streamKey: factStreamKey(f),
    });
  });

  const journal = journalFor(env);
  const ids: string[] = [];
  try {
    if (accepted.length > 0) {
      // Journal first (durable), then enqueue: an accepted fact outlives the loss of its queue message.
      const messages = packMessages(accepted, (i) => {
        ids.push(`${reservation.requestId}:${i}`);
        return { shard: journal.shard, id: `${reservation.requestId}:${i}` };
      });
      await journal.stub.append(messages.map((body, i) => ({ id: ids[i] ?? "", body })));
      await sendMessages(env.FACTS_QUEUE, messages);
    }
  } catch (err) {
    await reservation.settle(false);
    if (ids.length) await journal.stub.ack(ids).catch(() => undefined);
    console.error(
      JSON.stringify({ level: "error", msg: "enqueue failed", producerId: producer.producerId, error: String(err) }),
    );
    throw new ProblemError(
      problem("unavailable", "The facts queue did not accept the batch; nothing was recorded, retry"),
      {
        "retry-after": "1",
      },
    );
  }
  await reservation.settle(true);
  const keysAndDigests = facts.map((f, i) => ({ key: f.dedupeKey, digest: digests[i] }));
  const conflicts = findConflicts(keysAndDigests, repeatOf, reservation.results, eventIds);
  return { accepted: accepted.length, duplicates, eventIds, ...(conflicts.length > 0 ? { conflicts } : {}) };
}

/** One of the journal's shards, spread by request. */
function journalFor(env: IngestEnv) {
  const shard = Math.floor(Math.random() * journalShards(env));
  return { shard, stub: env.JOURNAL.get(env.JOURNAL.idFromName(journalName(shard))) };
}

/** Count limits are a 413 (checked before the schema); shape and bounds a 400 naming each path. */
function validateBatch(raw: unknown): Fact[] {
  if (raw && typeof raw === "object" && Array.isArray((raw as { facts?: unknown }).facts)) {
    const n = (raw as { facts: unknown[] }).facts.length;
    if (n > MAX_FACTS_PER_REQUEST)
      fail("too_large", `A request carries at most ${MAX_FACTS_PER_REQUEST} facts, got ${n}`);
  }
  const parsed = PushFactsBodySchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProblemError(validationProblem(parsed.error, "The fact batch is invalid", { input: raw }));
  }
  return parsed.data.facts;
}
