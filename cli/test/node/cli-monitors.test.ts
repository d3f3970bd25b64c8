import { describe, expect, it } from "vitest";
import { cli, problem } from "./harness";

const monitor = {
  monitorId: "m1",
  version: 2,
  enabled: true,
  status: "active",
  workflowId: "wf-1",
  ownerUserId: "u-1",
  predicate: { kind: "crossing" },
  fire: { mode: "edge" },
  state: { matchCount: 3 },
};
describe("fabric monitors", () => {
  it("list --json prints exactly the monitors as JSON, filters passed as query parameters", async () => {
    const r = await cli(["monitors", "list", "--owner", "u-1", "--enabled", "true", "--json"], () =>
      Response.json({ monitors: [monitor], nextCursor: null }),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([monitor]);
    expect(r.err).toBe("");
    const url = new URL(r.calls[0]?.url ?? "");
    expect(url.pathname).toBe("/v1/monitors");
    expect(url.searchParams.get("ownerUserId")).toBe("u-1");
    expect(url.searchParams.get("enabled")).toBe("true");
    expect(r.calls[0]?.headers.authorization).toBe("Bearer admin-t");
  });

  it("list filters by status, and refuses a status the registry does not have", async () => {
    const r = await cli(["monitors", "list", "--status", "expired", "--json"], () =>
      Response.json({ monitors: [], nextCursor: null }),
    );
    expect(r.code).toBe(0);
    expect(new URL(r.calls[0]?.url ?? "").searchParams.get("status")).toBe("expired");
    const bad = await cli(["monitors", "list", "--status", "gone"], () => Response.json({}));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--status takes active, disabled or expired");
    expect(bad.calls).toHaveLength(0);
  });

  it("list prints a table for people, across pages", async () => {
    const r = await cli(["monitors", "list"], (_req, n) =>
      Response.json(
        n === 0
          ? { monitors: [monitor], nextCursor: "c1" }
          : { monitors: [{ ...monitor, monitorId: "m2" }], nextCursor: null },
      ),
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/monitorId.*version.*status/);
    expect(r.out).toMatch(/│ m1 +│ 2 +│ active +│ wf-1 +│ u-1 +│ 3 +│/);
    expect(r.out).toContain("m2");
    expect(r.calls).toHaveLength(2);
  });

  it("put reads the body from --file or stdin and sends it with the expected version", async () => {
    const body = { workflowId: "wf-1", ownerUserId: "u-1", predicate: { kind: "crossing" } };
    const answer = () => Response.json({ monitorId: "m1", version: 1 }, { status: 201 });
    const r = await cli(["monitors", "put", "m1", "--file", "m.json"], answer, {
      files: { "m.json": JSON.stringify(body) },
    });
    expect(r).toMatchObject({ code: 0, out: "created m1 (version 1)\n" });
    expect(JSON.parse(r.calls[0]?.body ?? "")).toEqual(body);
    expect(r.calls[0]?.method).toBe("PUT");

    const s = await cli(["monitors", "put", "m1", "--expected-version", "4", "--json"], answer, {
      stdin: JSON.stringify(body),
    });
    expect(JSON.parse(s.out)).toEqual({ monitorId: "m1", version: 1, created: true });
    expect(JSON.parse(s.calls[0]?.body ?? "")).toEqual({ ...body, expectedVersion: 4 });
  });

  it("put with an unreadable or non-JSON file is a usage error (exit 2) before any request", async () => {
    const missing = await cli(["monitors", "put", "m1", "--file", "nope.json"]);
    expect(missing).toMatchObject({ code: 2, out: "", err: "error: cannot read nope.json (ENOENT): check the path\n" });
    const bad = await cli(["monitors", "put", "m1", "-f", "m.json"], undefined, { files: { "m.json": "{oops" } });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: m.json is not JSON/);
    const noPredicate = await cli(["monitors", "put", "m1", "-f", "m.json"], undefined, { files: { "m.json": "{}" } });
    expect(noPredicate).toMatchObject({ code: 2, err: "error: m.json has no predicate object\n" });
    expect([...missing.calls, ...bad.calls, ...noPredicate.calls]).toHaveLength(0);
  });

  it("put reads YAML from a .yaml file argument or from stdin (-)", async () => {
    const yaml =
      "workflowId: wf-1\nownerUserId: u-1\npredicate:\n  stream: { kind: market_price, subject: { symbol: BTC-USD } }\n  field: price\n  op: crosses_above\n  value: 100000\n";
    const body = {
      workflowId: "wf-1",
      ownerUserId: "u-1",
      predicate: {
        stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
        field: "price",
        op: "crosses_above",
        value: 100000,
      },
    };
    const answer = () => Response.json({ monitorId: "m1", version: 2 });
    const f = await cli(["monitors", "put", "m1", "m.yaml"], answer, { files: { "m.yaml": yaml } });
    expect(f).toMatchObject({ code: 0, out: "updated m1 (version 2)\n" });
    expect(JSON.parse(f.calls[0]?.body ?? "")).toEqual(body);
    const s = await cli(["monitors", "put", "m1", "-"], answer, { stdin: yaml });
    expect(JSON.parse(s.calls[0]?.body ?? "")).toEqual(body);
    const bad = await cli(["monitors", "put", "m1", "m.yml"], answer, { files: { "m.yml": "predicate: [unclosed" } });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: m.yml is neither JSON nor YAML \(.+\)\n$/);
    expect(bad.calls).toHaveLength(0);
  });

  it("get, rm and its alias delete", async () => {
    const g = await cli(["monitors", "get", "m1"], () => Response.json(monitor));
    expect(g.out).toContain("workflowId");
    expect(g.out).toContain('predicate: {"kind":"crossing"}');
    // Times as the other tables show them (ISO), not raw epoch ms.
    const timed = { ...monitor, expiresAt: 1795341660000, state: { matchCount: 3, lastMatchedAt: 1795341600000 } };
    const t = await cli(["monitors", "get", "m1"], () => Response.json(timed));
    expect(t.out).toMatch(/│ expiresAt +│ 2026-11-22T10:01:00.000Z +│/);
    expect(t.out).toMatch(/│ state\.lastMatchedAt +│ 2026-11-22T10:00:00.000Z +│/);
    expect(t.out).toMatch(/│ state\.matchCount +│ 3 +│/);
    expect(t.out).not.toContain("1795341660000");
    for (const verb of ["rm", "delete"]) {
      const d = await cli(["monitors", verb, "m1"], () => new Response(null, { status: 204 }));
      expect(d).toMatchObject({ code: 0, out: "deleted m1\n" });
      expect(d.calls[0]?.method).toBe("DELETE");
      expect(d.calls[0]?.url).toBe("http://fabric.test/v1/monitors/m1");
    }
    const conditional = await cli(["monitors", "rm", "m1", "--expected-version", "3"], () =>
      problem(412, { detail: "expectedVersion 3 does not match the live version 4", currentVersion: 4 }),
    );
    expect(conditional.calls[0]?.url).toBe("http://fabric.test/v1/monitors/m1?expectedVersion=3");
    expect(conditional.code).toBe(1);
    expect(conditional.err).toMatch(/expectedVersion 3 does not match/);
  });
});

describe("errors", () => {
  it("a refused put prints one error line, each errors[] path and exits 1", async () => {
    const s = await cli(
      ["monitors", "put", "m1", "-f", "m.json"],
      () => problem(400, { errors: [{ path: "predicate.threshold", message: "Expected number" }] }),
      { files: { "m.json": '{"predicate":{}}' } },
    );
    expect(s).toMatchObject({ code: 1, out: "" });
    expect(s.err).toBe("error: Refused: why\n  predicate.threshold: Expected number\n");
  });

  it("401 hints at the token, 403 names the scope it lacks", async () => {
    const a = await cli(["stats"], () => problem(401));
    expect(a.code).toBe(1);
    expect(a.err).toContain("hint: set FABRIC_TOKEN or --token");
    const f = await cli(["monitors", "delete", "m1"], () => problem(403, { requiredScope: "write" }));
    expect(f.code).toBe(1);
    expect(f.err).toContain('hint: this token lacks the "write" scope');
  });

  it("no URL or no token is a usage error naming the variable; bad flags exit 2", async () => {
    const noUrl = await cli(["stats"], undefined, { env: {} });
    expect(noUrl).toMatchObject({ code: 2, err: expect.stringContaining("set FABRIC_URL or pass --url") });
    const noToken = await cli(["stats"], undefined, { env: { FABRIC_URL: "http://x" } });
    expect(noToken).toMatchObject({ code: 2, err: expect.stringContaining("set FABRIC_TOKEN or pass --token") });
    const flags = await cli(["--url", "http://y", "--token", "t", "stats", "--json"], () => Response.json({ a: 1 }), {
      env: {},
    });
    expect(flags.code).toBe(0);
    expect(flags.calls[0]?.url).toBe("http://y/v1/admin/stats");
    expect((await cli(["matches", "m1", "--limit", "zero"])).code).toBe(2);
    expect((await cli(["monitors", "frobnicate"])).code).toBe(2);
    expect((await cli(["dead-letters", "list", "nope"])).code).toBe(2);
  });

  it("every command's --help ends with an example and exits 0", async () => {
    const commands = [
      ["monitors", "list"],
      ["monitors", "get"],
      ["monitors", "put"],
      ["monitors", "rm"],
      ["monitors", "delete"],
      ["matches"],
      ["backtest"],
      ["push"],
      ["facts", "push"],
      ["streams", "facts"],
      ["stats"],
      ["whoami"],
      ["rebuild"],
      ["dead-letters", "list"],
      ["dead-letters", "replay"],
      ["dlq", "list"],
      ["dlq", "replay"],
    ];
    for (const c of commands) {
      const r = await cli([...c, "--help"]);
      expect(r.code, c.join(" ")).toBe(0);
      expect(r.out, c.join(" ")).toMatch(/Example:\n {2}\$ fabric /);
    }
  });
});
