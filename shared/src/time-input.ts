import { z } from "zod";
import { BEFORE_1970, ObservedAtSchema } from "./facts";

/**
 * A time given in a query string or a body as RFC 3339 (with an offset) or epoch milliseconds, as
 * facts take it; normalised to epoch ms. Every time input of the API goes through one of these.
 *
 * @example TimeQuerySchema.parse("2026-11-22T10:00:00Z") // 1795341600000
 */
export const TimeInputSchema = ObservedAtSchema;

/** The same from a query parameter, where epoch ms arrives as digits. */
export const TimeQuerySchema = z.string().transform((raw, ctx) => {
  const parsed = TimeInputSchema.safeParse(/^\d+$/.test(raw) ? Number(raw) : raw);
  if (parsed.success) return parsed.data;
  // A well-formed date before 1970 is out of range, not malformed: say that (as a body's time does).
  const message =
    z.iso.datetime({ offset: true }).safeParse(raw).success && Date.parse(raw) < 0
      ? `${BEFORE_1970}; got "${raw}"`
      : `expected RFC 3339 with an offset or epoch milliseconds; got "${raw}"`;
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
});

/**
 * A refinement for a body or query with an optional `from` and `to` (epoch ms once parsed): a range
 * that ends before it starts is a 400 on `to`, not an empty answer that reads as "nothing happened".
 *
 * @example z.strictObject({ from: TimeInputSchema.optional(), to: TimeInputSchema.optional() }).superRefine(rangeInOrder)
 */
export function rangeInOrder(range: { from?: number | undefined; to?: number | undefined }, ctx: z.RefinementCtx) {
  if (range.from === undefined || range.to === undefined || range.from <= range.to) return;
  ctx.addIssue({
    code: "custom",
    path: ["to"],
    message: `must be at or after from (${new Date(range.from).toISOString()}); got ${new Date(range.to).toISOString()}: swap them, or leave one out`,
  });
}
