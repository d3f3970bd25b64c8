import { describe, expect, it } from "vitest";
import { self } from "../test-fixtures/self";
import { ADMIN, call, PRODUCER, prices } from "./helpers";

/** The fabric as a deployment is reached: a public hostname, not 127.0.0.1 or a test name. */
const PUBLIC = "https://fabric.acme-trading.com";

const at = (base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  self().fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

describe("the public local-development tokens", () => {
  it("push nothing when the fabric is reached at a public host, and say why", async () => {
    const res = await at(PUBLIC, "POST", "/v1/facts", PRODUCER, { facts: prices("PLT-USD", [1]) });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="producers"');
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe("unauthorized");
    expect(body.detail).toContain("dev-producer-token is a public local-development token");
    expect(body.detail).toContain("fabric.acme-trading.com");
    const facts = await call("GET", "/v1/streams/market_price/facts?symbol=PLT-USD");
    expect(facts.json.facts).toEqual([]);
  });

  it("read and change nothing through any Worker at a public host, scoped ones included", async () => {
    for (const token of ["dev-admin-token", "dev-read-token-local", "dev-write-token-local"]) {
      const headers = { ...ADMIN, authorization: `Bearer ${token}` };
      for (const path of ["/v1/monitors", "/v1/admin/stats", "/v1/admin/dead-letters/events", "/v1/admin/whoami"]) {
        const res = await at(PUBLIC, "GET", path, headers);
        expect(res.status, `${token} ${path}`).toBe(401);
        expect(((await res.json()) as { detail: string }).detail).toContain(
          `${token} is a public local-development token`,
        );
      }
    }
    const put = await at(PUBLIC, "PUT", "/v1/monitors/plt-1", ADMIN, { workflowId: "wf" });
    expect(put.status).toBe(401);
  });

  it("work as before on a local host", async () => {
    for (const base of ["http://127.0.0.1:8787", "http://localhost:8787", "http://fabric"]) {
      expect((await at(base, "GET", "/v1/admin/whoami", ADMIN)).status, base).toBe(200);
      const push = await at(base, "POST", "/v1/facts", PRODUCER, { facts: prices("PLT-USD", [1]) });
      expect(push.status, base).toBe(202);
    }
  });
});
