import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { fabric, until } from "./run-fabric";

/**
 * The CLI path against the "readme" project's local fabric, as a real process: a YAML
 * monitor, a CSV pushed under a progress bar and re-run as duplicates, a bad column, a backtest
 * with its sparkline (saved, and from a file by explain with a read token), a rebuild to completion, dlq, rm. Its own ids.
 */
const base = inject("devFabricBase");
const runId = Date.now().toString(36);
const symbol = `CSV-${runId}`.toUpperCase();
const monitorId = `cli-csv-${runId}`;
const dir = mkdtempSync(join(tmpdir(), "fabric-cli-csv-"));
const producer = { FABRIC_PRODUCER_TOKEN: "dev-producer-token" };
const run = (args: string[], env: Record<string, string> = {}) => fabric(base, args, env);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = `workflowId: wf-${monitorId}
ownerUserId: u-${monitorId}
predicate:
  stream: { kind: market_price, subject: { symbol: ${symbol} } }
  field: price
  op: crosses_above
  value: 100
fire: { mode: edge }
`;
const csv = `sym,ts,px\n${symbol},2026-11-22T10:00:00Z,90\n${symbol},2026-11-22T10:01:00Z,95\n${symbol},2026-11-22T10:02:00Z,120\n`;
const mapping = ["--kind", "market_price", "--subject", "symbol=sym", "--observed-at", "ts", "--data", "price=px"];

describe("fabric push, backtest, rebuild, dlq against the local fabric", () => {
  it("puts a YAML monitor, pushes a CSV with a progress bar, re-runs it as duplicates, refuses a bad column", async () => {
    writeFileSync(join(dir, "monitor.yaml"), yaml);
    writeFileSync(join(dir, "prices.csv"), csv);
    const put = await run(["monitors", "put", monitorId, join(dir, "monitor.yaml")]);
    expect(put).toMatchObject({ code: 0, stdout: `created ${monitorId} (version 1)\n` });

    const pushed = await run(["--progress", "push", join(dir, "prices.csv"), ...mapping], producer);
    expect(pushed).toMatchObject({ code: 0, stdout: "pushed 3 facts: 3 accepted, 0 duplicates\n" });
    expect(pushed.stderr).toMatch(/push \[=+\] 3\/3 facts \| \d+ facts\/s \| 3 accepted, 0 duplicates/);
    // No --dedupe-key: keys derived from each row's content, so a re-run resumes as duplicates.
    const again = await run(["push", join(dir, "prices.csv"), ...mapping], producer);
    expect(again).toMatchObject({ code: 0, stdout: "pushed 3 facts: 0 accepted, 3 duplicates\n" });

    const bad = await run(["push", join(dir, "prices.csv"), ...mapping.slice(0, -1), "price=close"], producer);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `error: ${join(dir, "prices.csv")} has no column "close" (--data price=close); its columns: sym, ts, px\n`,
    );
  }, 60_000);

  it("backtests the monitor: a sparkline of the stream with the match marked, and the match table", async () => {
    const r = await until(
      () => run(["backtest", monitorId, "--from", "2026-11-22T00:00:00Z", "--to", "2026-11-23T00:00:00Z"]),
      (r) => r.stdout.includes("3 facts") && r.stdout.includes(`~1~`),
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual([`market_price:${symbol} price: 3 facts, 90 … 120, ▲ = match`, "▁▂█", "  ▲"]);
    expect(r.stdout).toContain("2026-11-22T10:02:00.000Z");
    expect(r.stdout).toContain(`market_price:${symbol}`);

    // The same definition from a file, unsaved, with the read-only token: explained (POST /v1/explain),
    // the same match, and nothing written (a read token could not have written anything).
    const draft = await run(["backtest", join(dir, "monitor.yaml"), "--json"], {
      FABRIC_TOKEN: "dev-read-token-local",
    });
    expect(draft.code).toBe(0);
    const rows = JSON.parse(draft.stdout) as { observedAt: number; decision: { outcome: string; matchId?: string } }[];
    expect(rows.map((m) => m.observedAt)).toEqual([Date.parse("2026-11-22T10:02:00Z")]);
    expect(rows.map((m) => m.decision.outcome)).toEqual(["matched"]);
    const listed = await run(["monitors", "list", "--json"]);
    expect(listed.stdout).not.toContain("backtest-draft-");
  }, 60_000);

  it("rebuilds to completion under a progress bar, lists dead letters with dlq, removes the monitor", async () => {
    const rebuilt = await run(["--progress", "rebuild"]);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/^rebuild \S+ complete: \d+ events applied in [\d.]+ s\n$/);
    expect(rebuilt.stderr).toMatch(/rebuild \[=+\] \d+ events applied \| complete/);
    // Reads answer as before the rebuild: the monitor is still there, with its match.
    const after = await run(["monitors", "get", monitorId, "--json"]);
    expect(JSON.parse(after.stdout)).toMatchObject({ monitorId, version: 1 });

    const dlq = await run(["dlq", "list", "facts", "--json"]);
    expect(dlq.code).toBe(0);
    expect(Array.isArray(JSON.parse(dlq.stdout))).toBe(true);

    expect(await run(["monitors", "rm", monitorId])).toMatchObject({ code: 0, stdout: `deleted ${monitorId}\n` });
    expect(
      (
        await until(
          () => run(["monitors", "get", monitorId]),
          (r) => r.code !== 0,
        )
      ).code,
    ).toBe(1);
  }, 90_000);
});
