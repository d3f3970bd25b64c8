import { z } from "zod";
import { digestsEqual, knownDigest, tokenDigest } from "../../shared/src/auth";
import { FactKindSchema } from "../../shared/src/facts";

/**
 * Producer identities: the PRODUCER_TOKENS secret maps each token to a producer id and the fact
 * kinds it may push (`"*"` for all), and optionally to a signing secret: a producer with one must
 * sign every push (shared/src/push-signature.ts). A missing or malformed secret authenticates
 * nobody, so a deployed Worker without it refuses every push (fails closed).
 *
 * @example const producer = await authenticateProducer(token, env.PRODUCER_TOKENS);
 */
export const ProducerEntrySchema = z.strictObject({
  token: z.string().min(8).max(512),
  producerId: z.string().min(1).max(64),
  kinds: z.array(z.union([FactKindSchema, z.literal("*")])).min(1),
  /** HMAC-SHA256 key of the producer's push signatures; absent, pushes are not signed. */
  signingSecret: z.string().min(16).max(512).optional(),
});
export type Producer = { producerId: string; kinds: ReadonlySet<string>; signingSecret?: string };

const cache = new Map<string, z.infer<typeof ProducerEntrySchema>[]>();

function parseProducers(secret: string | undefined): z.infer<typeof ProducerEntrySchema>[] {
  if (!secret) return [];
  const hit = cache.get(secret);
  if (hit) return hit;
  let entries: z.infer<typeof ProducerEntrySchema>[] = [];
  try {
    entries = z.array(ProducerEntrySchema).parse(JSON.parse(secret));
  } catch {
    // Malformed configuration: log the fact, never the secret, and authenticate nobody.
    console.error(JSON.stringify({ level: "error", msg: "PRODUCER_TOKENS is not a valid producer list" }));
  }
  cache.set(secret, entries);
  return entries;
}

/** Compares the token with every configured one (constant time each, no early exit). */
export async function authenticateProducer(
  token: string | undefined,
  secret: string | undefined,
): Promise<Producer | undefined> {
  if (!token) return undefined;
  const presented = await tokenDigest(token);
  let found: Producer | undefined;
  for (const entry of parseProducers(secret)) {
    if (digestsEqual(presented, await knownDigest(entry.token)) && !found) {
      found = { producerId: entry.producerId, kinds: new Set(entry.kinds), signingSecret: entry.signingSecret };
    }
  }
  return found;
}

export function mayPush(producer: Producer, kind: string): boolean {
  return producer.kinds.has("*") || producer.kinds.has(kind);
}
