import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { price, toPredicate } from "../../../client/src/index";
import { type Ran, root, fabric as runFabric } from "./run-fabric";

/**
 * The `fabric` command as a person runs it: a real process (`node cli/fabric.mjs`, the package's
 * bin) against the "readme" project's local fabric. Its own monitor id and symbol.
 */
const base = inject("devFabricBase");
const runId = Date.now().toString(36);
const symbol = `CLI-${runId}`.toUpperCase();
const monitorId = `cli-it-${runId}`;
const owner = `u-cli-${runId}`;
const dir = mkdtempSync(join(tmpdir(), "fabric-cli-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fabric = (args: string[], env: Record<string, string> = {}) => runFabric(base, args, env);

describe("fabric, the CLI, against the local fabric", () => {
  it("puts a monitor from a file, lists it, pushes facts from NDJSON and reads the match", async () => {
    const monitorFile = join(dir, "monitor.json");
    writeFileSync(
      monitorFile,
      JSON.stringify({
        workflowId: `wf-${monitorId}`,
        ownerUserId: owner,
        predicate: toPredicate(price(symbol).crossesAbove(100_000).hysteresis(50)),
        fire: { mode: "edge" },
      }),
    );
    const put = await fabric(["monitors", "put", monitorId, "--file", monitorFile]);
    expect(put).toMatchObject({ code: 0, stdout: `created ${monitorId} (version 1)\n` });

    const list = await fabric(["monitors", "list", "--owner", owner, "--json"]);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { monitorId: string }[]).map((m) => m.monitorId)).toEqual([monitorId]);

    const factsFile = join(dir, "facts.ndjson");
    const facts = [
      { kind: "market_price", subject: { symbol }, observedAt: "2026-11-22T10:00:00Z", data: { price: 99_500 } },
      { kind: "market_price", subject: { symbol }, observedAt: 1795341660000, data: { price: 101_234.5 } },
    ];
    writeFileSync(factsFile, facts.map((f) => JSON.stringify(f)).join("\n"));
    const pushArgs = ["facts", "push", "--file", factsFile, "--dedupe-key", "subject.symbol,observedAt", "--json"];
    const pushed = await fabric(pushArgs, { FABRIC_PRODUCER_TOKEN: "dev-producer-token" });
    expect(pushed.code).toBe(0);
    const result = JSON.parse(pushed.stdout) as { accepted: number; duplicates: number; eventIds: string[] };
    expect(result).toMatchObject({ accepted: 2, duplicates: 0 });
    // Re-running the same push resumes safely: duplicates, the same eventIds.
    const again = await fabric(pushArgs, { FABRIC_PRODUCER_TOKEN: "dev-producer-token" });
    expect(JSON.parse(again.stdout)).toEqual({ accepted: 0, duplicates: 2, eventIds: result.eventIds });

    let matches: { eventId: string; monitorId: string }[] = [];
    for (const until = Date.now() + 20_000; matches.length === 0 && Date.now() < until; ) {
      const got = await fabric(["matches", monitorId, "--json"]);
      expect(got.code).toBe(0);
      matches = JSON.parse(got.stdout);
      if (matches.length === 0) await new Promise((r) => setTimeout(r, 300));
    }
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ monitorId, eventId: result.eventIds[1] });

    const table = await fabric(["matches", monitorId]);
    expect(table.stdout).toContain("2026-11-22T");
    expect(table.stdout).toContain(symbol);

    // `streams ls` finds the stream by its symbol in any case: its two facts, its one monitor.
    const streams = await fabric(["streams", "ls", "--q", symbol.toLowerCase(), "--json"]);
    expect(streams.code).toBe(0);
    expect(JSON.parse(streams.stdout)).toEqual([
      expect.objectContaining({ streamKey: `market_price:${symbol}`, facts: 2, monitors: 1 }),
    ]);

    const backtest = await fabric(["backtest", monitorId, "--json"]);
    expect(backtest.code).toBe(0);
    expect((JSON.parse(backtest.stdout) as unknown[]).length).toBe(1);

    // `matches tail` prints the match so far, then follows the live stream: a new crossing
    // (down past the hysteresis, then up) arrives as a second line while it runs.
    const tail = spawn(process.execPath, [join(root, "cli/fabric.mjs"), "matches", "tail", monitorId, "--json"], {
      cwd: root,
      env: { ...process.env, FABRIC_URL: base, FABRIC_TOKEN: "dev-admin-token" },
    });
    let followed = "";
    let said = "";
    tail.stdout.on("data", (b: Buffer) => {
      followed += b.toString();
    });
    tail.stderr.on("data", (b: Buffer) => {
      said += b.toString();
    });
    const waitFor = async (done: () => boolean) => {
      for (const until = Date.now() + 20_000; !done() && Date.now() < until; )
        await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor(() => followed.includes("\n"));
    expect(said).toContain("live");
    const more = [
      { kind: "market_price", subject: { symbol }, observedAt: 1795341720000, data: { price: 99_000 } },
      { kind: "market_price", subject: { symbol }, observedAt: 1795341780000, data: { price: 102_000 } },
    ];
    writeFileSync(factsFile, more.map((f) => JSON.stringify(f)).join("\n"));
    const pushedMore = await fabric(["facts", "push", "--file", factsFile, "--json"], {
      FABRIC_PRODUCER_TOKEN: "dev-producer-token",
    });
    const moreIds = (JSON.parse(pushedMore.stdout) as { eventIds: string[] }).eventIds;
    await waitFor(() => followed.split("\n").length > 2);
    expect(tail.exitCode).toBeNull();
    tail.kill();
    const lines = followed
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { monitorId: string; eventId: string });
    expect(lines.map((m) => [m.monitorId, m.eventId])).toEqual([
      [monitorId, result.eventIds[1]],
      [monitorId, moreIds[1]],
    ]);
  }, 120_000);

  it("whoami says what the token may do: read-only for the read token, every scope for the admin token", async () => {
    const read = await fabric(["whoami", "--json"], { FABRIC_TOKEN: "dev-read-token-local" });
    expect(read).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(read.stdout)).toEqual({ scopes: ["read"] });
    const admin = await fabric(["whoami"]);
    expect(admin.code).toBe(0);
    for (const scope of ["read", "write", "control-plane"]) expect(admin.stdout).toMatch(new RegExp(`│ ${scope} +│`));
    const bad = await fabric(["whoami"], { FABRIC_TOKEN: "not-a-token" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("hint: set FABRIC_TOKEN or --token");
  }, 60_000);

  it("a bad token exits 1 with the hint; a read-only token names the scope it lacks", async () => {
    const bad = await fabric(["stats"], { FABRIC_TOKEN: "not-a-token" });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^error: .+\n/);
    expect(bad.stderr).toContain("hint: set FABRIC_TOKEN or --token");

    const readOnly = await fabric(["monitors", "delete", monitorId], { FABRIC_TOKEN: "dev-read-token-local" });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toContain('hint: this token lacks the "write" scope');
  }, 60_000);

  it("runs as `npx fabric` (the package's bin) and shows help with an example", async () => {
    const help = await new Promise<Ran>((done) =>
      execFile("npx", ["fabric", "monitors", "put", "--help"], { cwd: root }, (err, stdout, stderr) =>
        done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("$ fabric monitors put btc-100k monitor.yaml");
  }, 60_000);
});
