import { describe, expect, it } from "vitest";
import { ProblemError } from "../../../shared/src/problem";
import type { MonitorRef } from "../../src/runtime/store/projections";
import { builtinExecutor } from "../../src/runtime/tick/builtin-executor";
import { facadeExecutor } from "../../src/runtime/tick/facade-executor";
import { executorFor } from "../../src/runtime/tick/run-tick";

const monitor: MonitorRef = {
  monitorId: "m1",
  workflowId: "wf_1",
  ownerUserId: "u_1",
  portfolioId: "pf_1",
  enabled: true,
  checkIntervalMs: 60_000,
  version: 1,
};
const request = { requestId: "r1", workerId: "w", workflowId: "wf_1", reason: "trigger_match" };

describe("tick executors", () => {
  it("built in: next due time from checkIntervalMs, none for an event-driven monitor, no refs", async () => {
    expect(await builtinExecutor.tick(monitor, request, 1000)).toEqual({ nextDueAt: 61_000, executionRefs: [] });
    expect(await builtinExecutor.tick({ ...monitor, checkIntervalMs: null }, request, 1000)).toEqual({
      nextDueAt: null,
      executionRefs: [],
    });
  });

  it("facade: posts the tick with the bearer token and returns its outcome", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return Response.json({ nextDueAt: 5, executionRefs: [{ runId: "run-1" }] });
    }) as unknown as typeof globalThis.fetch;
    const ex = facadeExecutor({ url: "https://facade/tick", token: "t0k", timeoutMs: 1000, fetch });
    expect(await ex.tick(monitor, request, 0)).toEqual({ nextDueAt: 5, executionRefs: [{ runId: "run-1" }] });
    expect(calls[0]?.url).toBe("https://facade/tick");
    expect(new Headers(calls[0]?.init.headers).get("authorization")).toBe("Bearer t0k");
    expect(JSON.parse(String(calls[0]?.init.body))).toMatchObject({
      requestId: "r1",
      workflowId: "wf_1",
      userId: "u_1",
      portfolioId: "pf_1",
    });
  });

  it("facade: forwards a coalesced tick's matchIds, and sends none for a tick without them", async () => {
    const bodies: Record<string, unknown>[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)) as Record<string, unknown>);
      return Response.json({});
    }) as unknown as typeof globalThis.fetch;
    const ex = facadeExecutor({ url: "https://facade/tick", token: "t0k", timeoutMs: 1000, fetch });
    await ex.tick(monitor, { ...request, matchIds: ["m1~1~E1", "m2~1~E1"] }, 0);
    await ex.tick(monitor, request, 0);
    expect(bodies[0]).toMatchObject({ reason: "trigger_match", matchIds: ["m1~1~E1", "m2~1~E1"] });
    expect(bodies[1]).not.toHaveProperty("matchIds");
  });

  it("facade: fails on a non-2xx answer, an invalid body, a timeout, and without a token", async () => {
    const answer = (res: () => Promise<Response>) => res as unknown as typeof globalThis.fetch;
    const tick = (fetch: typeof globalThis.fetch, token = "t", timeoutMs = 1000) =>
      facadeExecutor({ url: "https://f", token, timeoutMs, fetch }).tick(monitor, request, 0);
    await expect(tick(answer(async () => new Response("no", { status: 502 })))).rejects.toBeInstanceOf(ProblemError);
    await expect(tick(answer(async () => Response.json({ executionRefs: [{}] })))).rejects.toBeInstanceOf(ProblemError);
    const hang = ((_: string, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      )) as unknown as typeof globalThis.fetch;
    await expect(tick(hang, "t", 20)).rejects.toThrow(/timeout|abort/i);
    await expect(
      tick(
        answer(async () => Response.json({})),
        "",
      ),
    ).rejects.toBeInstanceOf(ProblemError);
  });

  it("is the facade exactly when TICK_FACADE_URL is set", () => {
    expect(executorFor({}).name).toBe("builtin");
    expect(executorFor({ TICK_FACADE_URL: " " }).name).toBe("builtin");
    expect(executorFor({ TICK_FACADE_URL: "https://f", TICK_FACADE_TOKEN: "t" }).name).toBe("facade");
  });
});
