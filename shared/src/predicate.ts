import { z } from "zod";
import { isReadableField, READABLE_FIELDS } from "./fact-values";
import { type FactKind, FactKindSchema, KIND_SCHEMAS } from "./facts";
import { nearest } from "./issues/nearest";
import { streamKey } from "./streams";

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

export type StreamRef = z.infer<typeof StreamRefSchema>;

export const ChangeSchema = z.strictObject({
  windowMs: z.number().int().min(1).max(PREDICATE_LIMITS.maxWindowMs),
  mode: z.enum(["abs", "pct"]),
});

/** Indicator kinds (DESIGN §8 "Indicators, relative conditions, expiry"). */
export const INDICATOR_KINDS = ["sma", "ema", "rsi", "bollinger_upper", "bollinger_lower"] as const;
export const INDICATOR_LIMITS = { minSamples: 2, maxSamples: 1000, maxK: 10 } as const;

/**
 * An indicator over a series: `{kind: sma|ema|rsi, samples}` or `{kind: bollinger_upper|
 * bollinger_lower, samples, k}`. One object with `k` optional (checked per kind) rather than a
 * union, so a wrong kind is reported at `indicator.kind` with the list of kinds.
 *
 * @example IndicatorSchema.parse({ kind: "bollinger_upper", samples: 20, k: 2 })
 */
export const IndicatorSchema = z
  .strictObject({
    kind: z.enum(INDICATOR_KINDS),
    samples: z
      .number()
      .int()
      .min(
        INDICATOR_LIMITS.minSamples,
        `samples must be ${INDICATOR_LIMITS.minSamples} to ${INDICATOR_LIMITS.maxSamples}`,
      )
      .max(
        INDICATOR_LIMITS.maxSamples,
        `samples must be ${INDICATOR_LIMITS.minSamples} to ${INDICATOR_LIMITS.maxSamples}`,
      ),
    k: z.number().gt(0, "k must be > 0 and ≤ 10").max(INDICATOR_LIMITS.maxK, "k must be > 0 and ≤ 10").optional(),
  })
  .superRefine((ind, ctx) => {
    const band = ind.kind === "bollinger_upper" || ind.kind === "bollinger_lower";
    if (band && ind.k === undefined) {
      ctx.addIssue({ code: "custom", path: ["k"], message: `${ind.kind} needs k (0 < k ≤ 10), e.g. 2` });
    }
    if (!band && ind.k !== undefined) {
      ctx.addIssue({ code: "custom", path: ["k"], message: `k applies to bollinger_upper/bollinger_lower only` });
    }
  })
  .meta({ title: "indicator" });
export type Indicator = z.infer<typeof IndicatorSchema>;

/**
 * The right side of a relative condition: `times × (stream's field, with its indicator) + plus`;
 * `stream` defaults to the condition's own stream.
 *
 * @example { field: "bid", times: 1.005 } // ask − 1.005 × bid
 */
export const OperandSchema = z
  .strictObject({
    stream: StreamRefSchema.optional(),
    field: z.string().min(1).max(80),
    indicator: IndicatorSchema.optional(),
    times: z.number().optional(),
    plus: z.number().optional(),
  })
  .meta({ title: "operand" });
export type Operand = z.infer<typeof OperandSchema>;

export const ConditionSchema = z
  .strictObject({
    stream: StreamRefSchema,
    field: z.string().min(1).max(80),
    op: z.enum(OPS),
    value: z.union([z.number(), z.tuple([z.number(), z.number()]), OperandSchema]),
    change: ChangeSchema.optional(),
    indicator: IndicatorSchema.optional(),
    forMs: z.number().int().min(0).max(PREDICATE_LIMITS.maxForMs).optional(),
    hysteresis: z.number().min(0).optional(),
  })
  .superRefine((c, ctx) => {
    const ranged = c.op === "between" || c.op === "outside";
    const operand = isOperand(c.value);
    if (ranged && !Array.isArray(c.value)) {
      const what = operand
        ? "; an operand (another series) works with gt gte lt lte eq neq crosses_above crosses_below"
        : "";
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} takes [lo, hi]${what}` });
    }
    if (!ranged && Array.isArray(c.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} takes a single number or an operand` });
    }
    if (Array.isArray(c.value) && c.value[0] > c.value[1]) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "lo must not exceed hi" });
    }
    if (c.change && c.indicator) {
      ctx.addIssue({ code: "custom", path: ["indicator"], message: "use either change or indicator, not both" });
    }
    if (c.change && operand) {
      ctx.addIssue({ code: "custom", path: ["change"], message: "change cannot be used with an operand value" });
    }
    if (c.hysteresis !== undefined && c.op !== "crosses_above" && c.op !== "crosses_below") {
      ctx.addIssue({
        code: "custom",
        path: ["hysteresis"],
        message: "hysteresis applies to crosses_above/crosses_below only",
      });
    }
    fieldIssue(ctx, c.stream.kind, c.field, ["field"]);
    subjectIssues(ctx, c.stream, ["stream"]);
    if (isOperand(c.value)) {
      const kind = c.value.stream?.kind ?? c.stream.kind;
      fieldIssue(ctx, kind, c.value.field, ["value", "field"]);
      if (c.value.stream) subjectIssues(ctx, c.value.stream, ["value", "stream"]);
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

/** Whether a condition's value is an operand (a relative condition) rather than numbers. */
export function isOperand(v: Condition["value"]): v is Operand {
  return typeof v === "object" && !Array.isArray(v);
}

function fieldIssue(ctx: z.RefinementCtx, kind: FactKind, field: string, path: (string | number)[]): void {
  if (isReadableField(kind, field)) return;
  const fields = READABLE_FIELDS[kind];
  const near = nearest(field, [...fields]);
  const hint = `; its fields: ${fields.join(", ")}${near ? `; did you mean "${near}"?` : ""}`;
  ctx.addIssue({ code: "custom", path, message: `${kind} has no field "${field}"${hint}` });
}

function subjectIssues(ctx: z.RefinementCtx, stream: StreamRef, path: (string | number)[]): void {
  const subject = KIND_SCHEMAS[stream.kind].subject.safeParse(stream.subject);
  if (subject.success) return;
  for (const issue of subject.error.issues) {
    ctx.addIssue({ code: "custom", path: [...path, "subject", ...issue.path.map(String)], message: issue.message });
  }
}

/** Every stream a predicate reads (its conditions' and their operands'), as stream keys, first use first. */
export function streamKeysOf(p: Predicate): string[] {
  const keys = new Set<string>();
  for (const c of conditionsOf(p)) {
    keys.add(streamKey(c.stream));
    if (isOperand(c.value)) keys.add(streamKey(c.value.stream ?? c.stream));
  }
  return [...keys];
}

/** Every condition of a predicate, left to right. */
export function conditionsOf(p: Predicate): Condition[] {
  if ("all" in p) return p.all.flatMap(conditionsOf);
  if ("any" in p) return p.any.flatMap(conditionsOf);
  if ("not" in p) return conditionsOf(p.not);
  return [p];
}
