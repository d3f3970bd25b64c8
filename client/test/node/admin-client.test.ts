import { describe, expect, it } from "vitest";
import { AdminClient } from "../../src/admin-client";
import { FabricError } from "../../src/errors";
import type { RefusedHook } from "../../src/transport";
import type { MonitorInput } from "../../src/types";
import { fakeFetch, problem } from "./fake-fetch";

/** The admin-only client a UI uses: whoami, the refusal hook, and a token read at each call. */
function client(
  fetch: ReturnType<typeof fakeFetch>["fetch"],
  opts: { token?: () => string | null; onRefused?: RefusedHook } = {},
) {
  return new AdminClient({
    baseUrl: "http://fabric.test",
    token: opts.token ?? "a-token",
    fetch,
    sleep: async () => {},
    random: () => 0,
    ...(opts.onRefused ? { onRefused: opts.onRefused } : {}),
  });
}

describe("AdminClient", () => {
  it("admin.whoami reads GET /v1/admin/whoami with the token and answers its scopes", async () => {
    const f = fakeFetch(() => Response.json({ scopes: ["read"], name: "ops" }));
    expect(await client(f.fetch).admin.whoami()).toEqual({ scopes: ["read"], name: "ops" });
    expect(f.calls.map((c) => `${c.method} ${new URL(c.url).pathname} ${c.headers.authorization}`)).toEqual([
      "GET /v1/admin/whoami Bearer a-token",
    ]);
  });

  it("onRefused hears a 401 and a 403 with the request, once, before the FabricError is thrown", async () => {
    const heard: string[] = [];
    const onRefused: RefusedHook = (e, req) => heard.push(`${e.status} ${req.method} ${req.path}`);
    const f = fakeFetch((req) => (req.method === "GET" ? problem(401) : problem(403)));
    const fabric = client(f.fetch, { onRefused });
    await expect(fabric.admin.whoami()).rejects.toMatchObject({ status: 401, title: "T", detail: "D" });
    await expect(fabric.monitors.delete("m1")).rejects.toBeInstanceOf(FabricError);
    expect(heard).toEqual(["401 GET /v1/admin/whoami", "403 DELETE /v1/monitors/m1"]);
  });

  it("onRefused stays silent for other errors: a 400's problem still reaches the caller", async () => {
    const heard: number[] = [];
    const f = fakeFetch(() => problem(400, { errors: [{ path: "predicate", message: "required" }] }));
    const put = client(f.fetch, { onRefused: (e) => heard.push(e.status) }).monitors.put("m1", {
      workflowId: "wf",
      ownerUserId: "u",
      predicate: { all: [] },
    });
    await expect(put).rejects.toMatchObject({ status: 400, errors: [{ path: "predicate", message: "required" }] });
    expect(heard).toEqual([]);
  });

  it("sends a definition typed in an editor as it is, so the fabric's 400 can name a missing predicate", async () => {
    const f = fakeFetch(() => problem(400, { errors: [{ path: "predicate", message: "required" }] }));
    const typed = { workflowId: "wf", ownerUserId: "u" } as unknown as MonitorInput;
    await expect(client(f.fetch).monitors.put("m1", typed)).rejects.toMatchObject({ status: 400 });
    expect(JSON.parse(f.calls[0]?.body ?? "")).toEqual({ workflowId: "wf", ownerUserId: "u" });
  });

  it("monitors.page answers one page and its nextCursor, for a load-more button", async () => {
    const f = fakeFetch(() => Response.json({ monitors: [{ monitorId: "m2" }], nextCursor: "c2" }));
    const page = await client(f.fetch).monitors.page({ ownerUserId: "u", pageSize: 100 }, "c1");
    expect(page).toEqual({ monitors: [{ monitorId: "m2" }], nextCursor: "c2" });
    expect(new URL(f.calls[0]?.url ?? "").search).toBe("?ownerUserId=u&limit=100&cursor=c1");
    expect(f.calls).toHaveLength(1);
  });

  it("onRefused hears the match stream's 401 too", async () => {
    const heard: string[] = [];
    const f = fakeFetch(() => problem(401));
    const stream = client(f.fetch, { onRefused: (e, req) => heard.push(`${e.status} ${req.path}`) }).matchStream();
    await expect(stream.next()).rejects.toMatchObject({ status: 401 });
    expect(heard).toEqual(["401 /v1/matches/stream"]);
  });

  it("reads a token function at each call: a new sign-in is used at once, a sign-out refuses to send", async () => {
    let token: string | null = "first";
    const f = fakeFetch(() => Response.json({ scopes: ["read"] }));
    const fabric = client(f.fetch, { token: () => token });
    await fabric.admin.whoami();
    token = "second";
    await fabric.admin.whoami();
    expect(f.calls.map((c) => c.headers.authorization)).toEqual(["Bearer first", "Bearer second"]);
    token = null;
    await expect(fabric.admin.whoami()).rejects.toThrow(/needs the token option/);
    expect(f.calls).toHaveLength(2);
  });
});
