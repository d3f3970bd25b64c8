import { z } from "zod";

/**
 * Fact packets: the envelope every producer pushes, and the 11 kinds of DESIGN §2/§8.
 * One schema serves the HTTP layer, the queue codec, the predicate validator and OpenAPI.
 *
 * @example
 * const fact = FactInputSchema.parse({ kind: "market_price", subject: { symbol: "BTC-USD" },
 *   observedAt: "2026-11-22T10:00:00.000Z", data: { price: 101234.5 } });
 */

/** A finite JSON number: zod already rejects NaN/±Infinity and strings for z.number(). */
const finite = () => z.number();
const positive = () => finite().gt(0);
const percent = () => finite().min(0).max(100);
const id = () => z.string().min(1).max(128);

/** The latest instant a JS Date can hold, in epoch ms: the top of every time input's range. */
export const EPOCH_MS_MAX = 8_640_000_000_000_000;

/**
 * RFC 3339 with an offset, held to the range epoch ms has (from 0): a date before 1970 would
 * become a negative time, which every stored event and wake-up refuses downstream. (A four-digit
 * year cannot pass the top.) A string that is not a date-time at all gets the format's message only.
 */
/** What a time before 1970 is told (a body's and a query's alike). */
export const BEFORE_1970 = "must be at or after 1970-01-01T00:00:00Z (times are epoch ms from 0)";

const Rfc3339InRange = z.iso.datetime({ offset: true }).refine((s) => !(Date.parse(s) < 0), {
  message: `${BEFORE_1970}; got a date before 1970`,
});

/** Event time: RFC 3339 with an offset, or epoch milliseconds. Normalised to epoch ms. */
export const ObservedAtSchema = z
  .union([Rfc3339InRange, z.number().int().min(0).max(EPOCH_MS_MAX)])
  .transform((v) => (typeof v === "number" ? v : Date.parse(v)));

export const SymbolSubjectSchema = z.strictObject({ symbol: id() });
export const AccountSubjectSchema = z.strictObject({ accountId: id() });
export const UserSubjectSchema = z.strictObject({ userId: id() });
export const PortfolioSubjectSchema = z.strictObject({ portfolioId: id() });
export const HeldAssetSubjectSchema = z.strictObject({ portfolioId: id(), asset: id() });

const ValueData = (value: z.ZodNumber) => z.strictObject({ value });

export const CandleSchema = z
  .strictObject({
    openTime: ObservedAtSchema,
    open: positive(),
    high: positive(),
    low: positive(),
    close: positive(),
    volume: finite().min(0),
  })
  .superRefine((c, ctx) => {
    // A candle's range holds its open and close: a bar outside it is a producer's bug, and a
    // monitor on a candle field would match on it.
    if (c.low > c.high) {
      ctx.addIssue({ code: "custom", path: ["low"], message: `must not exceed high (${c.high}); got ${c.low}` });
      return;
    }
    for (const field of ["open", "close"] as const) {
      if (c[field] >= c.low && c[field] <= c.high) continue;
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `must be within the candle's range, low ${c.low} to high ${c.high}; got ${c[field]}`,
      });
    }
  });

/** The per-kind part of a fact: subject shape and data shape. */
export const KIND_SCHEMAS = {
  market_price: {
    subject: SymbolSubjectSchema,
    data: z.strictObject({ price: positive(), bid: positive().optional(), ask: positive().optional() }),
  },
  market_candles: {
    subject: SymbolSubjectSchema,
    data: z.strictObject({
      interval: z.string().min(1).max(16),
      candles: z.array(CandleSchema).min(1).max(1000),
    }),
  },
  approval_pending_count: {
    subject: UserSubjectSchema,
    data: ValueData(finite().int().min(0)),
  },
  account_buying_power_usd: { subject: AccountSubjectSchema, data: ValueData(finite()) },
  account_cash_usd: { subject: AccountSubjectSchema, data: ValueData(finite()) },
  portfolio_nav_usd: { subject: PortfolioSubjectSchema, data: ValueData(finite()) },
  portfolio_cash_pct: { subject: PortfolioSubjectSchema, data: ValueData(percent()) },
  portfolio_drift_from_target: { subject: PortfolioSubjectSchema, data: ValueData(percent()) },
  portfolio_concentration: { subject: PortfolioSubjectSchema, data: ValueData(percent()) },
  portfolio_held_asset_performance: {
    subject: HeldAssetSubjectSchema,
    data: z.strictObject({ value: finite(), window: z.string().min(1).max(16) }),
  },
  portfolio_held_asset_metrics: {
    subject: HeldAssetSubjectSchema,
    data: z.strictObject({
      metrics: z
        .record(z.string().min(1).max(64), finite())
        .refine((m) => Object.keys(m).length > 0 && Object.keys(m).length <= 64, {
          message: "metrics must have 1 to 64 entries",
        }),
    }),
  },
} as const;

export type FactKind = keyof typeof KIND_SCHEMAS;
export const FACT_KINDS = Object.keys(KIND_SCHEMAS) as FactKind[];
export const FactKindSchema = z.enum(FACT_KINDS as [FactKind, ...FactKind[]]);

const dedupeKey = z.string().min(1).max(256).optional();

const envelope = { observedAt: ObservedAtSchema, dedupeKey };
const K = KIND_SCHEMAS;

/** One fact as a producer sends it (observedAt may be a string; parsed to epoch ms). */
export const FactInputSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("market_price"),
    subject: K.market_price.subject,
    ...envelope,
    data: K.market_price.data,
  }),
  z.strictObject({
    kind: z.literal("market_candles"),
    subject: K.market_candles.subject,
    ...envelope,
    data: K.market_candles.data,
  }),
  z.strictObject({
    kind: z.literal("approval_pending_count"),
    subject: K.approval_pending_count.subject,
    ...envelope,
    data: K.approval_pending_count.data,
  }),
  z.strictObject({
    kind: z.literal("account_buying_power_usd"),
    subject: K.account_buying_power_usd.subject,
    ...envelope,
    data: K.account_buying_power_usd.data,
  }),
  z.strictObject({
    kind: z.literal("account_cash_usd"),
    subject: K.account_cash_usd.subject,
    ...envelope,
    data: K.account_cash_usd.data,
  }),
  z.strictObject({
    kind: z.literal("portfolio_nav_usd"),
    subject: K.portfolio_nav_usd.subject,
    ...envelope,
    data: K.portfolio_nav_usd.data,
  }),
  z.strictObject({
    kind: z.literal("portfolio_cash_pct"),
    subject: K.portfolio_cash_pct.subject,
    ...envelope,
    data: K.portfolio_cash_pct.data,
  }),
  z.strictObject({
    kind: z.literal("portfolio_drift_from_target"),
    subject: K.portfolio_drift_from_target.subject,
    ...envelope,
    data: K.portfolio_drift_from_target.data,
  }),
  z.strictObject({
    kind: z.literal("portfolio_concentration"),
    subject: K.portfolio_concentration.subject,
    ...envelope,
    data: K.portfolio_concentration.data,
  }),
  z.strictObject({
    kind: z.literal("portfolio_held_asset_performance"),
    subject: K.portfolio_held_asset_performance.subject,
    ...envelope,
    data: K.portfolio_held_asset_performance.data,
  }),
  z.strictObject({
    kind: z.literal("portfolio_held_asset_metrics"),
    subject: K.portfolio_held_asset_metrics.subject,
    ...envelope,
    data: K.portfolio_held_asset_metrics.data,
  }),
]);
/** A validated fact, observedAt in epoch ms. */
export type Fact = z.output<typeof FactInputSchema>;
export type FactInput = z.input<typeof FactInputSchema>;

export const MAX_FACTS_PER_REQUEST = 1000;
export const MAX_BODY_BYTES = 1024 * 1024;

/** Body of `POST /v1/facts`. Count limits are checked before this schema (413, not 400). */
export const PushFactsBodySchema = z.strictObject({ facts: z.array(FactInputSchema).min(1) });

/** A fact as it travels on Queue "facts": the producer's fact plus what ingest assigns. */
export type AcceptedFact = Fact & {
  eventId: string;
  producerId: string;
  receivedAt: number;
  streamKey: string;
};
