import { z } from "zod";
import { FirePolicySchema, PredicateSchema, predicateLimitIssues } from "./predicate";
import { TimeInputSchema } from "./time-input";

/**
 * A monitor as the registry accepts it (`PUT /v1/monitors/{id}`), and as the matcher indexes it.
 *
 * @example MonitorBodySchema.parse({ workflowId: "wf_1", ownerUserId: "u_1", linkedPortfolioIds: ["pf_1"], predicate, fire: { mode: "edge" } })
 */
export const MonitorIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, "monitorId may use letters, digits and . _ : -");

export const MonitorBodySchema = z
  .strictObject({
    workflowId: z.string().min(1).max(128),
    ownerUserId: z.string().min(1).max(128),
    linkedPortfolioIds: z.array(z.string().min(1).max(128)).max(32).default([]),
    predicate: PredicateSchema,
    fire: FirePolicySchema,
    enabled: z.boolean().default(true),
    checkIntervalMs: z
      .number()
      .int()
      .min(60_000)
      .max(366 * 24 * 3600 * 1000)
      .optional(),
    expectedVersion: z.number().int().min(0).optional(),
    /** DESIGN §8 expiry: no match from a fact observed at or after it; RFC 3339 or epoch ms. */
    expiresAt: TimeInputSchema.optional().describe(
      "RFC 3339 with an offset, or epoch ms: no match from a fact observed at or after it, and the monitor reads as expired once wall-clock time reaches it",
    ),
  })
  .superRefine((m, ctx) => {
    for (const issue of predicateLimitIssues(m.predicate)) {
      ctx.addIssue({ code: "custom", path: ["predicate", ...issue.path], message: issue.message });
    }
  });
export type MonitorBody = z.output<typeof MonitorBodySchema>;

/** The definition the matcher indexes: a body plus its identity and version. */
export type MonitorDefinition = Omit<MonitorBody, "expectedVersion"> & { monitorId: string; version: number };
