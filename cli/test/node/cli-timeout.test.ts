import { describe, expect, it } from "vitest";
import { hang } from "../../../client/test/node/fake-fetch";
import { cli } from "./harness";

/**
 * `--timeout <seconds>` / FABRIC_TIMEOUT: the client's per-attempt timeout. A fabric that never
 * answers is given up after that long, each attempt retried (the harness's sleep does not wait),
 * and reported in one line with what to do. Real time: 6 attempts of 20 ms.
 */
const env = { FABRIC_URL: "http://fabric.test", FABRIC_TOKEN: "admin-t" };

describe("fabric --timeout", () => {
  it("gives up a fabric that does not answer after --timeout seconds, retrying each attempt, and says what to do", async () => {
    const r = await cli(["--timeout", "0.02", "stats"], (req) => hang(req.signal), { env });
    expect(r.code).toBe(1);
    expect(r.calls).toHaveLength(6);
    expect(r.err).toBe(
      "error: No answer from the fabric within 20 ms: GET /v1/admin/stats was given up after 20 ms (the client's timeoutMs)\n" +
        "hint: the fabric at http://fabric.test did not answer in time: check it is up, or allow longer with --timeout <seconds> (FABRIC_TIMEOUT)\n",
    );
  });

  it("takes FABRIC_TIMEOUT when no flag is given, and the flag over it", async () => {
    const fromEnv = await cli(["stats"], (req) => hang(req.signal), { env: { ...env, FABRIC_TIMEOUT: "0.02" } });
    expect(fromEnv.err).toContain("error: No answer from the fabric within 20 ms");
    const flagWins = await cli(["stats", "--timeout", "0.01"], (req) => hang(req.signal), {
      env: { ...env, FABRIC_TIMEOUT: "3600" },
    });
    expect(flagWins.err).toContain("error: No answer from the fabric within 10 ms");
  });

  it("refuses a timeout that is not a number of seconds, before any request", async () => {
    const flag = await cli(["--timeout", "soon", "stats"], undefined, { env });
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("give a number of seconds, e.g. 60 (0 waits forever).");
    const fromEnv = await cli(["stats"], undefined, { env: { ...env, FABRIC_TIMEOUT: "-5" } });
    expect(fromEnv).toMatchObject({ code: 2, calls: [] });
    expect(fromEnv.err).toBe(
      'error: FABRIC_TIMEOUT="-5" is not a number of seconds: set it to e.g. 60 (0 waits forever)\n',
    );
  });
});
