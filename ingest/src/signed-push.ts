import { MAX_BODY_BYTES } from "../../shared/src/facts";
import { ProblemError, problem } from "../../shared/src/problem";
import {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_S,
  TIMESTAMP_HEADER,
  verifyPushSignature,
} from "../../shared/src/push-signature";
import type { Producer } from "./producers";
import { readLimited } from "./read-body";

/**
 * The body of a push from a producer that signs: read under the body limit, then verified over
 * those exact bytes before anything looks at their content type or parses them. A missing,
 * malformed, wrong or stale signature is a 401 problem+json whose `reason` says which
 * (`signature_missing`, `signature_malformed`, `signature_mismatch`, `signature_stale`, the last
 * with the allowed window), thrown before anything is reserved or enqueued.
 *
 * @example const bytes = await readSignedBody(request, producer, signingSecret);
 */
export async function readSignedBody(request: Request, producer: Producer, secret: string): Promise<Uint8Array> {
  const body = await readLimited(request, MAX_BODY_BYTES);
  const nowMs = Date.now();
  const check = await verifyPushSignature({
    timestamp: request.headers.get(TIMESTAMP_HEADER),
    signature: request.headers.get(SIGNATURE_HEADER),
    body,
    secret,
    nowMs,
  });
  if (check.ok) return body;
  const stale =
    check.reason === "stale"
      ? {
          toleranceSeconds: SIGNATURE_TOLERANCE_S,
          skewSeconds: check.skewSeconds,
          serverTime: Math.floor(nowMs / 1000),
        }
      : {};
  throw new ProblemError(
    problem("unauthorized", `producer ${producer.producerId}: ${check.detail}`, {
      // The token was fine; only the signature was not, so the title says that.
      title: "Missing or invalid push signature",
      reason: `signature_${check.reason}`,
      ...stale,
    }),
    { "www-authenticate": `Fabric-Signature realm="producers", headers="${TIMESTAMP_HEADER} ${SIGNATURE_HEADER}"` },
  );
}
