import { FACT_KINDS, type FactKind, KIND_SCHEMAS } from "../../../shared/src/facts";
import { fail } from "../../../shared/src/problem";
import { SUBJECT_FIELD_ORDER, streamKey } from "../../../shared/src/streams";

/**
 * The `stream` filter of `GET /v1/monitors` as the stream key it names. A key percent-encodes each
 * subject part (`market_price:EUR%2FUSD`), but people type the symbol as they know it
 * (`market_price:EUR/USD`, a Unicode name), so each part is taken either way and encoded again. A
 * kind named by one field takes everything after the colon as that field; one named by two takes
 * the two parts around a `/` (a `/` inside such a part must be sent as %2F). A key that names no
 * stream (an unknown kind, a missing part) is a 400 saying the form, not an empty page.
 *
 * @example streamKeyOfQuery("market_price:EUR/USD") // "market_price:EUR%2FUSD"
 */
export function streamKeyOfQuery(raw: string): string {
  const colon = raw.indexOf(":");
  const kind = raw.slice(0, Math.max(0, colon));
  if (colon < 0 || !(FACT_KINDS as string[]).includes(kind)) {
    invalid(raw, `it starts with a fact kind and a colon; the kinds are ${FACT_KINDS.join(", ")}`);
  }
  const fields = SUBJECT_FIELD_ORDER.filter((f) => f in KIND_SCHEMAS[kind as FactKind].subject.shape);
  const rest = raw.slice(colon + 1);
  const parts = fields.length === 1 ? [rest] : rest.split("/");
  if (parts.length !== fields.length || parts.some((p) => p === "")) {
    invalid(
      raw,
      `${kind} streams are named by ${fields.join(" and ")}: ${kind}:${fields.map((f) => `<${f}>`).join("/")}`,
    );
  }
  const subject = Object.fromEntries(fields.map((f, i) => [f, decoded(parts[i] ?? "")]));
  const checked = KIND_SCHEMAS[kind as FactKind].subject.safeParse(subject);
  if (!checked.success) invalid(raw, `its ${fields.join(" and ")} must be 1 to 128 characters`);
  return streamKey({ kind, subject });
}

/** A part as sent, percent-decoded where it was encoded (a lone `%` is the character itself). */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function invalid(raw: string, how: string): never {
  const message = `${JSON.stringify(raw)} is not a stream key: ${how}, e.g. market_price:BTC-USD`;
  fail("validation", `A query parameter is invalid: query.stream: ${message}`, {
    errors: [{ path: "query.stream", message }],
  });
}
