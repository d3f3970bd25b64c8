import { describe, expect, it } from "vitest";
import { self } from "../test-fixtures/self";
import { ADMIN, PRODUCER } from "./helpers";

/** A path the fabric serves, asked with a method it does not take: 405 and the methods it does take. */
async function ask(method: string, path: string, headers: Record<string, string> = ADMIN) {
  const res = await self().fetch(`http://fabric${path}`, { method, headers });
  const body = (await res.json()) as { status: number; code: string; detail: string };
  return { status: res.status, allow: res.headers.get("allow"), type: res.headers.get("content-type"), body };
}

describe("a method a path does not take", () => {
  it("is a 405 problem whose Allow header lists what the path takes, in every Worker", async () => {
    const cases: [string, string, string, Record<string, string>?][] = [
      ["PATCH", "/v1/monitors/btc-100k", "DELETE, GET, HEAD, PUT"], // monitor runtime
      ["GET", "/v1/facts", "POST", PRODUCER], // ingest
      ["PUT", "/healthz", "GET, HEAD"], // the gateway
      ["POST", "/openapi.json", "GET, HEAD"],
      ["DELETE", "/v1/admin/stats", "GET, HEAD"], // matcher
      ["PUT", "/v1/admin/projections/rebuild", "POST"], // projector
    ];
    for (const [method, path, allow, headers] of cases) {
      const res = await ask(method, path, headers);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.allow, `${method} ${path}`).toBe(allow);
      expect(res.type).toContain("application/problem+json");
      expect(res.body).toMatchObject({ status: 405, code: "method_not_allowed" });
      expect(res.body.detail).toBe(`${method} is not allowed on ${path}; it takes ${allow}`);
    }
  });

  it("leaves a path nobody serves a 404, and a served method its answer", async () => {
    const missing = await ask("GET", "/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.allow).toBeNull();
    const head = await self().fetch("http://fabric/healthz", { method: "HEAD" });
    expect(head.status).toBe(200);
  });
});
