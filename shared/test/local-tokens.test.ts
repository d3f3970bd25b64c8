import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { requireAdmin } from "../src/http/bearer";
import { onError } from "../src/http/errors";
import { isLocalHost, PUBLIC_LOCAL_TOKENS, publicLocalTokenRefusal } from "../src/local-tokens";

describe("public local tokens", () => {
  it("counts as local only hosts a deployed Worker is never reached by", () => {
    for (const host of [
      "127.0.0.1",
      "10.0.0.7",
      "[::1]",
      "localhost",
      "fabric",
      "monitor-runtime",
      "app.localhost",
      "fabric.test",
      "devbox.local",
      "devbox.home.arpa",
      "fabric.internal",
      "devbox.lan",
      "api.example",
      "LOCALHOST.",
    ])
      expect(isLocalHost(host), host).toBe(true);
    for (const host of [
      "fabric-ingest.acme.workers.dev",
      "api.acme.com",
      "example.com",
      "test.acme.io",
      "localhost.acme.com",
      "local.acme.com",
      "internal.acme.dev",
    ])
      expect(isLocalHost(host), host).toBe(false);
  });

  it("refuses each dev token at a public host and says why, and leaves other tokens and local hosts alone", () => {
    const refusal = publicLocalTokenRefusal("dev-admin-token", "https://api.acme.com/v1/monitors");
    expect(refusal).toContain("dev-admin-token is a public local-development token");
    expect(refusal).toContain("api.acme.com");
    expect(publicLocalTokenRefusal("dev-admin-token", "http://127.0.0.1:8787/v1/monitors")).toBeUndefined();
    expect(
      publicLocalTokenRefusal("a-real-secret-of-32-characters-x", "https://api.acme.com/v1/facts"),
    ).toBeUndefined();
    // A prefix is not enough: only the published values are refused.
    expect(publicLocalTokenRefusal("dev-team-7f3a9c2e51b04d", "https://api.acme.com/v1/facts")).toBeUndefined();
  });

  it("lists every token the committed .dev.vars.example files hold", () => {
    const found = new Set<string>();
    for (const worker of ["ingest", "matcher", "projector", "monitor-runtime"]) {
      const text = readFileSync(resolve(import.meta.dirname, "../..", worker, ".dev.vars.example"), "utf8");
      for (const m of text.matchAll(/"token":"([^"]+)"|ADMIN_AUTH_SECRET_TOKEN=(\S+)/g)) found.add(m[1] ?? m[2] ?? "");
    }
    expect(found.size).toBeGreaterThan(0);
    for (const token of found) expect(PUBLIC_LOCAL_TOKENS.has(token), token).toBe(true);
  });

  it("makes the admin middleware answer a dev token at a public host with a 401, and any other way as before", async () => {
    const app = new Hono<{ Bindings: { ADMIN_AUTH_SECRET_TOKEN: string } }>();
    app.onError(onError);
    app.use("*", requireAdmin());
    app.get("/v1/monitors", (c) => c.json({ ok: true }));
    const get = (url: string, token: string, secret: string) =>
      app.request(url, { headers: { authorization: `Bearer ${token}` } }, { ADMIN_AUTH_SECRET_TOKEN: secret });

    const deployed = await get("https://api.acme.com/v1/monitors", "dev-admin-token", "dev-admin-token");
    expect(deployed.status).toBe(401);
    expect(deployed.headers.get("www-authenticate")).toBe('Bearer realm="admin"');
    expect(((await deployed.json()) as { detail: string }).detail).toContain("public local-development token");
    expect((await get("http://127.0.0.1:8787/v1/monitors", "dev-admin-token", "dev-admin-token")).status).toBe(200);
    const own = "an-operator-secret-token-0123456789";
    expect((await get("https://api.acme.com/v1/monitors", own, own)).status).toBe(200);
  });
});
