import { type FactKind, KIND_SCHEMAS } from "../../../shared/src/facts";
import { ProblemError, validationProblem } from "../../../shared/src/problem";

/**
 * The subject of `GET /v1/streams/{kind}/facts` from its query parameters, checked against the
 * kind's subject shape: a stream is named by exactly the fields its kind's facts carry, so a
 * missing field (`market_price` without `symbol`) or one the kind lacks (`portfolio_nav_usd` with
 * `symbol`) is a 400 naming the parameter, not an empty page for a stream that cannot exist.
 *
 * @example subjectOfQuery("market_price", { symbol: "BTC-USD" }) // { symbol: "BTC-USD" }
 */
export function subjectOfQuery(kind: FactKind, query: Record<string, string | undefined>): Record<string, string> {
  const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  const schema = KIND_SCHEMAS[kind].subject;
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data as Record<string, string>;
  const fields = Object.keys(schema.shape).join(" and ");
  throw new ProblemError(
    validationProblem(parsed.error, `A query parameter is invalid (${kind} streams are named by ${fields})`, {
      input: given,
      prefix: ["query"],
    }),
  );
}
