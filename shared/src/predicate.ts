import { z } from "zod";
import { isReadableField, READABLE_FIELDS } from "./fact-values";
import { FactKindSchema, KIND_SCHEMAS } from "./facts";
import { nearest } from "./issues/wording";

/**
 * The predicate language of DESIGN §3/§8: `all` / `any` / `not` over conditions that read one
 * numeric field of one stream. Limits are part of the contract (a predicate past one is a 400).
 *
 * @example
 * PredicateSchema.parse({ all: [{ stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
 *   field: "price", op: "crosses_above", value: 100000 }] });
 */
export const PREDICATE_LIMITS = {
  maxDepth: 8,
  maxConditions: 32,
  maxWindowMs: 366 * 24 * 3600 * 1000,
  maxForMs: 366 * 24 * 3600 * 1000,
  maxCooldownMs: 366 * 24 * 3600 * 1000,
} as const;

export const COMPARE_OPS = ["gt", "gte", "lt", "lte", "eq", "neq"] as const;
export const RANGE_OPS = ["between", "outside"] as const;
export const CROSS_OPS = ["crosses_above", "crosses_below"] as const;
export const OPS = [...COMPARE_OPS, ...RANGE_OPS, ...CROSS_OPS] as const;
export type Op = (typeof OPS)[number];

export const StreamRefSchema = z.strictObject({
  kind: FactKindSchema,
  subject: z.record(z.string().min(1).max(32), z.string().min(1).max(128)),
});

export const ChangeSchema = z.strictObject({
  windowMs: z.number().int().min(1).max(PREDICATE_LIMITS.maxWindowMs),
  mode: z.enum(["abs", "pct"]),
});

export const ConditionSchema = z
  .strictObject({
    stream: StreamRefSchema,
    field: z.string().min(1).max(80),
    op: z.enum(OPS),
    value: z.union([z.number(), z.tuple([z.number(), z.number()])]),
    change: ChangeSchema.optional(),
    forMs: z.number().int().min(0).max(PREDICATE_LIMITS.maxForMs).optional(),
    hysteresis: z.number().min(0).optional(),
  })
  .superRefine((c, ctx) => {
    const ranged = c.op === "between" || c.op === "outside";
    if (ranged && !Array.isArray(c.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} takes [lo, hi]` });
    }
    if (!ranged && Array.isArray(c.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} takes a single number` });
    }
    if (Array.isArray(c.value) && c.value[0] > c.value[1]) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "lo must not exceed hi" });
    }
    if (c.hysteresis !== undefined && c.op !== "crosses_above" && c.op !== "crosses_below") {
      ctx.addIssue({
        code: "custom",
        path: ["hysteresis"],
        message: "hysteresis applies to crosses_above/crosses_below only",
      });
    }
    if (!isReadableField(c.stream.kind, c.field)) {
      const fields = READABLE_FIELDS[c.stream.kind];
      const near = nearest(c.field, [...fields]);
      const hint = `; its fields: ${fields.join(", ")}${near ? `; did you mean "${near}"?` : ""}`;
      ctx.addIssue({ code: "custom", path: ["field"], message: `${c.stream.kind} has no field "${c.field}"${hint}` });
    }
    const subject = KIND_SCHEMAS[c.stream.kind].subject.safeParse(c.stream.subject);
    if (!subject.success) {
      for (const issue of subject.error.issues) {
        ctx.addIssue({
          code: "custom",
          path: ["stream", "subject", ...issue.path.map(String)],
          message: issue.message,
        });
      }
    }
  })
  // Named so a predicate that fits no alternative hears "expected {all}, {any}, {not} or a condition".
  .meta({ title: "condition" });
export type Condition = z.infer<typeof ConditionSchema>;

export type Predicate = Condition | { all: Predicate[] } | { any: Predicate[] } | { not: Predicate };

export const PredicateSchema: z.ZodType<Predicate> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(PredicateSchema).min(1) }),
    z.strictObject({ any: z.array(PredicateSchema).min(1) }),
    z.strictObject({ not: PredicateSchema }),
    ConditionSchema,
  ]),
);

export const FirePolicySchema = z
  .strictObject({
    mode: z.enum(["edge", "level"]).default("edge"),
    cooldownMs: z.number().int().min(0).max(PREDICATE_LIMITS.maxCooldownMs).default(0),
    once: z.boolean().default(false),
  })
  .prefault({});
export type FirePolicy = z.output<typeof FirePolicySchema>;

/** Depth and condition-count limits, checked after the shape (zod cannot count across a tree). */
export function predicateLimitIssues(p: Predicate): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  let conditions = 0;
  const walk = (node: Predicate, depth: number, path: (string | number)[]) => {
    if (depth > PREDICATE_LIMITS.maxDepth) {
      issues.push({ path, message: `predicate deeper than ${PREDICATE_LIMITS.maxDepth}` });
      return;
    }
    if ("all" in node) {
      for (const [i, c] of node.all.entries()) walk(c, depth + 1, [...path, "all", i]);
    } else if ("any" in node) {
      for (const [i, c] of node.any.entries()) walk(c, depth + 1, [...path, "any", i]);
    } else if ("not" in node) walk(node.not, depth + 1, [...path, "not"]);
    else conditions++;
  };
  walk(p, 1, []);
  if (conditions > PREDICATE_LIMITS.maxConditions) {
    issues.push({ path: [], message: `more than ${PREDICATE_LIMITS.maxConditions} conditions` });
  }
  return issues;
}

/** Every condition of a predicate, left to right. */
export function conditionsOf(p: Predicate): Condition[] {
  if ("all" in p) return p.all.flatMap(conditionsOf);
  if ("any" in p) return p.any.flatMap(conditionsOf);
  if ("not" in p) return conditionsOf(p.not);
  return [p];
}
