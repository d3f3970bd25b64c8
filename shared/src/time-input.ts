import { z } from "zod";
import { ObservedAtSchema } from "./facts";

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
  ctx.addIssue({ code: "custom", message: `expected RFC 3339 with an offset or epoch milliseconds; got "${raw}"` });
  return z.NEVER;
});
