import { describe, expect, it } from "vitest";
import { adminIdentity, adminTokens, scopeFor, scopesOf, WHOAMI_PATH } from "../src/http/admin-scopes";

describe("admin scopes", () => {
  it("maps each route family to the scope it needs", () => {
    expect(scopeFor("GET", "/v1/monitors/m1")).toBe("read");
    expect(scopeFor("GET", "/v1/admin/stats")).toBe("read");
    expect(scopeFor("PUT", "/v1/monitors/m1")).toBe("write");
    expect(scopeFor("POST", "/v1/monitors/m1/backtest")).toBe("write");
    expect(scopeFor("POST", "/v1/monitors/m1/explain")).toBe("read");
    expect(scopeFor("POST", "/v1/monitors/{monitorId}/explain")).toBe("read");
    expect(scopeFor("POST", "/v1/explain")).toBe("read");
    expect(scopeFor("PUT", "/v1/monitors/explain")).toBe("write");
    expect(scopeFor("POST", "/v1/admin/projections/rebuild")).toBe("write");
    expect(scopeFor("POST", "/v1/admin/dead-letters/facts/x/replay")).toBe("write");
    expect(scopeFor("POST", "/v1/admin/deliveries/retry")).toBe("write");
    expect(scopeFor("POST", "/v1/admin/control-plane/workflow-monitors/tick")).toBe("control-plane");
    expect(scopeFor("POST", "/api/workflow-monitors/enqueue-tick")).toBe("control-plane");
  });

  it("lets any admin token ask whoami (no scope), but only to read it", () => {
    expect(scopeFor("GET", WHOAMI_PATH)).toBeNull();
    expect(scopeFor("POST", WHOAMI_PATH)).toBe("write");
    expect(scopeFor("GET", `${WHOAMI_PATH}/x`)).toBe("read");
  });

  it("names a listed token by its entry's name, and the admin secret by none", async () => {
    const env = {
      ADMIN_AUTH_SECRET_TOKEN: "the-admin-secret-token",
      ADMIN_TOKENS: JSON.stringify([{ token: "a-named-read-token-1", scopes: ["read"], name: "ops-dashboard" }]),
    };
    expect(await adminIdentity("a-named-read-token-1", env)).toEqual({ scopes: ["read"], name: "ops-dashboard" });
    expect(await adminIdentity("the-admin-secret-token", env)).toEqual({ scopes: ["read", "write", "control-plane"] });
    expect(await adminIdentity("a-named-read-token-2", env)).toBeNull();
  });

  it("gives the admin secret every scope, a listed token its own, and anything else none", async () => {
    const env = {
      ADMIN_AUTH_SECRET_TOKEN: "the-admin-secret-token",
      ADMIN_TOKENS: JSON.stringify([{ token: "a-read-only-token-123", scopes: ["read"] }]),
    };
    expect(await scopesOf("the-admin-secret-token", env)).toEqual(["read", "write", "control-plane"]);
    expect(await scopesOf("a-read-only-token-123", env)).toEqual(["read"]);
    expect(await scopesOf("a-read-only-token-12", env)).toBeNull();
  });

  it("grants nothing from a malformed list (fails closed): not JSON, short token, unknown scope", () => {
    for (const raw of [
      "not json",
      '[{"token":"short","scopes":["read"]}]',
      '[{"token":"long-enough-token-1","scopes":["all"]}]',
    ]) {
      expect(adminTokens(raw)).toEqual([]);
    }
  });
});
