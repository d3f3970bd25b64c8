import { describe, expect, it } from "vitest";
import { cli, match, problem } from "./harness";

/**
 * The mistakes a new user makes first (a URL that is not one, the wrong token for a push, a
 * misspelt id, a YAML draft for explain) and what the CLI says about each: the exit code, and a
 * hint that names the variable or the list that fixes it.
 */
const fact = { kind: "market_price", subject: { symbol: "BTC" }, observedAt: 1, data: { price: 1 } };
const noRoute = () => problem(404, { title: "Not found", detail: "No route for GET /v1/v1/monitors" });

describe("fabric: errors and their hints", () => {
  it("a FABRIC_URL that is not an http(s) URL is a usage error, before any request", async () => {
    for (const url of ["notaurl", "127.0.0.1:8787", "ftp://fabric.test"]) {
      const r = await cli(["monitors", "list"], undefined, { env: { FABRIC_URL: url, FABRIC_TOKEN: "t" } });
      expect(r).toMatchObject({ code: 2, out: "" });
      expect(r.err).toBe(
        `error: "${url}" is not an http(s) URL: set FABRIC_URL or --url to the fabric's origin, e.g. http://127.0.0.1:8787\n`,
      );
      expect(r.calls).toEqual([]);
    }
  });

  it("a 404 for a route the fabric does not have points at the URL, not at the id", async () => {
    const r = await cli(["monitors", "list"], noRoute, {
      env: { FABRIC_URL: "http://fabric.test/v1", FABRIC_TOKEN: "t" },
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "hint: check FABRIC_URL or --url (http://fabric.test/v1): give the fabric's origin only, e.g. http://127.0.0.1:8787",
    );
    expect(r.err).not.toContain("check the id");
  });

  it("a dead letter that is not there points at dlq list, a monitor that is not there at monitors list", async () => {
    const gone = () => problem(404, { detail: "no dead letter x on queue wakes" });
    const dl = await cli(["dlq", "replay", "wakes", "x"], gone);
    expect(dl.code).toBe(1);
    expect(dl.err).toContain("hint: check the id (fabric dlq list <queue> shows the dead letters)");
    const m = await cli(["monitors", "get", "nope"], () => problem(404, { detail: "monitor nope not found" }));
    expect(m.err).toContain("hint: check the id (fabric monitors list shows the monitors)");
  });

  it("a refused push hints at the producer token, or at the signing secret when the producer signs", async () => {
    const stdin = JSON.stringify(fact);
    const asAdmin = await cli(["push", "-"], () => problem(401), { stdin });
    expect(asAdmin.err).toContain(
      "hint: pushes need a producer token, and FABRIC_TOKEN is an admin one: set FABRIC_PRODUCER_TOKEN or --producer-token\n",
    );
    const env = { FABRIC_URL: "http://fabric.test", FABRIC_PRODUCER_TOKEN: "p" };
    const wrong = await cli(["push", "-"], () => problem(401), { stdin, env });
    expect(wrong.err).toContain(
      "hint: set FABRIC_PRODUCER_TOKEN or --producer-token to a producer token the fabric knows\n",
    );
    const unsigned = await cli(["push", "-"], () => problem(401, { reason: "signature_missing" }), { stdin, env });
    expect(unsigned.err).toContain(
      "hint: this producer signs its pushes: set FABRIC_SIGNING_SECRET or --signing-secret to its signing secret\n",
    );
    expect([asAdmin.code, wrong.code, unsigned.code]).toEqual([1, 1, 1]);
    const admin = await cli(["stats"], () => problem(401));
    expect(admin.err).toContain("hint: set FABRIC_TOKEN or --token to an admin token the fabric knows\n");
  });

  it("matches of a monitor that does not exist is the route's 404 with the id hint, not an empty list", async () => {
    const answer = () => problem(404, { title: "Not found", detail: "No monitor nope was ever registered" });
    for (const argv of [
      ["matches", "nope"],
      ["matches", "nope", "--json"],
    ]) {
      const r = await cli(argv, answer);
      expect(r).toMatchObject({ code: 1, out: "" });
      expect(r.err).toBe(
        "error: Not found: No monitor nope was ever registered\nhint: check the id (fabric monitors list shows the monitors)\n",
      );
    }
    // A registered monitor without matches is still "no matches" (and [] with --json), exit 0, in one request.
    const none = () => Response.json({ matches: [] });
    expect(await cli(["matches", "m1"], none)).toMatchObject({ code: 0, out: "", err: "no matches\n" });
    const empty = await cli(["matches", "m1", "--json"], none);
    expect(empty).toMatchObject({ code: 0, out: "[]\n" });
    expect(empty.calls).toHaveLength(1);
    const some = await cli(["matches", "m1", "--json"], () => Response.json({ matches: [match(1)] }));
    expect(some.calls).toHaveLength(1);
  });

  it("explain reads a YAML draft (or stdin) as backtest does, and explains it unsaved", async () => {
    const yaml =
      "workflowId: wf\nownerUserId: u\npredicate: { stream: { kind: market_price, subject: { symbol: BTC } }, field: price, op: gt, value: 1 }\n";
    const page = () => Response.json({ rows: [], nextCursor: null });
    for (const [argv, opts] of [
      [["explain", "draft.yaml"], { files: { "draft.yaml": yaml } }],
      [["explain", "draft.yml"], { files: { "draft.yml": yaml } }],
      [["explain", "-"], { stdin: yaml }],
    ] as const) {
      const r = await cli([...argv], page, opts);
      expect(r.code).toBe(0);
      expect(r.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(["POST /v1/explain"]);
      expect(JSON.parse(r.calls[0]?.body ?? "{}").monitor).toMatchObject({ workflowId: "wf", predicate: { op: "gt" } });
    }
  });

  it("put or push with no file on a terminal says how to give input instead of waiting for it", async () => {
    for (const argv of [["monitors", "put", "m1"], ["push"], ["facts", "push"]]) {
      const r = await cli(argv, undefined, {
        stdinIsTTY: true,
        env: { FABRIC_URL: "http://f.test", FABRIC_TOKEN: "t" },
      });
      expect(r).toMatchObject({ code: 2, err: "error: no input: give a file, or - to read stdin (or pipe it in)\n" });
      expect(r.calls).toEqual([]);
    }
    // `-` on a terminal is asked for, and piped stdin (not a terminal) needs no `-`.
    const dash = await cli(["push", "-"], undefined, { stdinIsTTY: true, stdin: "" });
    expect(dash.err).toBe("error: stdin holds no facts\n");
  });
});
