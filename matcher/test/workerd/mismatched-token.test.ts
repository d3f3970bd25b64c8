import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { menv } from "./helpers";

/**
 * The incident behind 401s on delivery: the matcher's ADMIN_AUTH_SECRET_TOKEN is not the one the
 * monitor runtime (and the operator) hold. What the README promises the operator then: the stats
 * still answer a scoped read token (ADMIN_TOKENS is its own secret, set alike in every Worker),
 * while the runtime's secret is refused by this matcher until the secrets agree again.
 */
const READER = "incident-reader-token-0001";
const rotated = {
  ...menv,
  ADMIN_AUTH_SECRET_TOKEN: "the-matchers-stale-secret",
  ADMIN_TOKENS: JSON.stringify([{ token: READER, scopes: ["read"], name: "on-call" }]),
};

async function as(token: string, method: string, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://matcher${path}`, { method, headers: { authorization: `Bearer ${token}` } }),
    rotated,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("a matcher whose admin secret differs from the operator's", () => {
  it("answers GET /v1/admin/stats to a read-scoped token, with the delivery section", async () => {
    const res = await as(READER, "GET", "/v1/admin/stats");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { delivery: unknown; projector: unknown };
    expect(body.delivery).toMatchObject({ lastFailure: null });
    expect(body.projector).toMatchObject({ failingSince: null });
  });

  it("refuses the runtime's secret (401) and a retry with the read token (403 naming write)", async () => {
    expect((await as("dev-admin-token", "GET", "/v1/admin/stats")).status).toBe(401);
    const retry = await as(READER, "POST", "/v1/admin/deliveries/retry");
    expect(retry.status).toBe(403);
    expect(((await retry.json()) as { detail: string }).detail).toContain('"write" scope');
  });
});
