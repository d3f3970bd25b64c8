import { deterministicId } from "../../../shared/src/ids";

/**
 * Deterministic ids of the runtime: a repeated request, a retried workflow step or a redelivered
 * wake-up names the same instance and the same domain event, so nothing is started or counted twice.
 *
 * @example await instanceIdFor("wf_1", "trigger_match:m1~2~01J…") // "wmt_9c1f…" (36 chars)
 */
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A workflow instance id for the session a wake-up starts (valid Workflows id, ≤ 100 chars). */
export function instanceIdFor(workflowId: string, wakeId: string): Promise<string> {
  return deterministicId("wmt", workflowId, wakeId);
}

/** The instance that takes a session over from `instanceId` (loop budget spent, or it died). */
export function successorIdOf(workflowId: string, instanceId: string): Promise<string> {
  return deterministicId("wmt", workflowId, "after", instanceId);
}

/**
 * A ULID (the eventId format) whose time part is `timeMs` and whose random part is a hash of
 * `parts`: the same inputs always give the same event id.
 *
 * @example await deterministicUlid(1_700_000_000_000, "tick", "wf_1", "due:r1") // "01HF7…"
 */
export async function deterministicUlid(timeMs: number, ...parts: (string | number)[]): Promise<string> {
  let time = "";
  let t = Math.max(0, Math.floor(timeMs));
  for (let i = 0; i < 10; i++) {
    time = (CROCKFORD[t % 32] ?? "0") + time;
    t = Math.floor(t / 32);
  }
  const bytes = new TextEncoder().encode(parts.map(String).join("\u001f"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  // 16 base32 chars = 80 bits: five bits at a time from the digest.
  let random = "";
  for (let i = 0; i < 16; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const word = ((digest[byte] ?? 0) << 8) | (digest[byte + 1] ?? 0);
    random += CROCKFORD[(word >> (11 - (bit & 7))) & 31];
  }
  return time + random;
}
