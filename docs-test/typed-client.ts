/**
 * A small third-party program against the fabric's generated types (openapi-typescript from
 * /openapi.json, then openapi-fetch): what must compile, and, under `@ts-expect-error`, the
 * predicate mistakes the types must refuse. docs-test/openapi-document.test.ts writes it beside
 * the generated `api.d.ts` and type-checks the pair; an expected error that no longer happens is
 * itself an error (TS2578), so the test fails if the predicate stops being typed deep down.
 */
export const TYPED_CLIENT = `
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Predicate = components["schemas"]["Predicate"];
const client = createClient<paths>({ baseUrl: "http://127.0.0.1:8787" });
const btc = { kind: "market_price", subject: { symbol: "BTC-USD" } } as const;

// Three levels: all → any → not → a condition.
const nested: Predicate = {
  all: [
    { any: [{ not: { stream: btc, field: "price", op: "lt", value: 90000 } }, { stream: btc, field: "price", op: "between", value: [1, 2] }] },
    { stream: btc, field: "price", op: "crosses_above", value: 100000 },
  ],
};

export async function register(): Promise<number | undefined> {
  const put = await client.PUT("/v1/monitors/{monitorId}", {
    params: { path: { monitorId: "btc-100k" } },
    body: { workflowId: "wf_1", ownerUserId: "u_1", predicate: nested },
  });
  if (put.error) return put.error.status;
  const got = await client.GET("/v1/monitors/{monitorId}", { params: { path: { monitorId: "btc-100k" } } });
  const matches = await client.GET("/v1/monitors/{monitorId}/matches", {
    params: { path: { monitorId: "btc-100k" }, query: { limit: 10 } },
  });
  const first = matches.data?.matches[0];
  const observed: number | undefined = first?.observedAt;
  const errors = got.error?.errors?.map((e) => e.path);
  void errors;
  void observed;
  return got.data?.state.matchCount;
}

export const misspelled: Predicate = {
  all: [
    { any: [{ stream: btc, field: "price", op: "gt", value: 1 }] },
    // @ts-expect-error "feild" is no field of a condition
    { stream: btc, feild: "price", op: "gt", value: 1 },
  ],
};

export const stringValue: Predicate = {
  all: [
    {
      any: [
        // @ts-expect-error value is a number (or [lo, hi]), never a string
        { stream: btc, field: "price", op: "gt", value: "1" },
      ],
    },
  ],
};

export const unknownOp: Predicate = {
  // @ts-expect-error "greater" is not an op
  all: [{ stream: btc, field: "price", op: "greater", value: 1 }],
};
`;
