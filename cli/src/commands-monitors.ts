import type { Command } from "commander";
import type { Monitor } from "../../client/src/index";
import { UsageError } from "./deps";
import { readMonitorBody } from "./monitor-input";
import { atTimes, cell, json, keyValues, table } from "./output";
import { type Ctx, example, positiveInt } from "./program";

type ListOpts = {
  owner?: string;
  workflow?: string;
  stream?: string;
  enabled?: string;
  status?: string;
  limit?: number;
  json?: boolean;
};

/** `fabric monitors list|get|put|rm` (`delete` is rm's alias). */
export function addMonitorCommands(program: Command, ctx: Ctx): void {
  const monitors = program.command("monitors").description("register, read and delete monitors");

  example(
    monitors
      .command("list")
      .description("list monitors, filtered by owner, workflow, stream, enabled or status")
      .option("--owner <userId>", "only this owner's monitors")
      .option("--workflow <workflowId>", "only monitors waking this workflow")
      .option(
        "--stream <streamKey>",
        "only monitors reading this stream (conditions or operands), e.g. market_price:BTC-USD",
      )
      .option("--enabled <true|false>", "only enabled (or disabled) monitors")
      .option(
        "--status <status>",
        "only active, disabled or expired monitors (expired: past their expiresAt; disabled: enabled false, or a once monitor that has fired)",
      )
      .option("--limit <n>", "at most this many", positiveInt)
      .option("--json", "print the monitors as a JSON array"),
    "fabric monitors list --owner u-42 --stream market_price:BTC-USD",
  ).action(async (opts: ListOpts, cmd: Command) => {
    const client = ctx.client(cmd, "admin");
    if (opts.enabled !== undefined && opts.enabled !== "true" && opts.enabled !== "false") {
      throw new UsageError(`--enabled takes true or false, not "${opts.enabled}"`);
    }
    const status = opts.status;
    if (status !== undefined && status !== "active" && status !== "disabled" && status !== "expired") {
      throw new UsageError(`--status takes active, disabled or expired, not "${status}"`);
    }
    const got: Monitor[] = [];
    for await (const m of client.monitors.list({
      ...(opts.owner ? { ownerUserId: opts.owner } : {}),
      ...(opts.workflow ? { workflowId: opts.workflow } : {}),
      ...(opts.stream ? { stream: opts.stream } : {}),
      ...(opts.enabled !== undefined ? { enabled: opts.enabled === "true" } : {}),
      ...(status !== undefined ? { status } : {}),
    })) {
      got.push(m);
      if (opts.limit && got.length >= opts.limit) break;
    }
    if (opts.json) return ctx.deps.out(json(got));
    if (got.length === 0) return ctx.deps.err("no monitors\n");
    ctx.deps.out(
      table(
        ["monitorId", "version", "status", "workflowId", "ownerUserId", "matches"],
        got.map((m) => [m.monitorId, m.version, m.status, m.workflowId, m.ownerUserId, m.state?.matchCount]),
      ),
    );
  });

  example(
    monitors
      .command("get <monitorId>")
      .description("show one monitor: its definition and state")
      .option("--json", "print the monitor as JSON"),
    "fabric monitors get btc-100k --json",
  ).action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
    const m = await ctx.client(cmd, "admin").monitors.get(id);
    if (opts.json) return ctx.deps.out(json(m));
    const { predicate, ...rest } = m;
    ctx.deps.out(keyValues(rest as Record<string, unknown>, atTimes));
    ctx.deps.out(`predicate: ${cell(predicate)}\n`);
  });

  example(
    monitors
      .command("put <monitorId> [file]")
      .description("register or update a monitor from a JSON or YAML file (or - / stdin)")
      .option("-f, --file <path>", "the monitor body (the same as the file argument)")
      .option("--expected-version <n>", "update only if the monitor is at this version", positiveInt)
      .option("--json", "print the answer as JSON"),
    "fabric monitors put btc-100k monitor.yaml",
    "cat monitor.json | fabric monitors put btc-100k - --expected-version 3",
  ).action(
    async (
      id: string,
      file: string | undefined,
      opts: { file?: string; expectedVersion?: number; json?: boolean },
      cmd: Command,
    ) => {
      const client = ctx.client(cmd, "admin");
      const body = await readMonitorBody(ctx.deps, file ?? opts.file);
      const expected = opts.expectedVersion === undefined ? {} : { expectedVersion: opts.expectedVersion };
      const out = await client.monitors.put(id, body, expected);
      if (opts.json) return ctx.deps.out(json(out));
      ctx.deps.out(`${out.created ? "created" : "updated"} ${out.monitorId} (version ${out.version})\n`);
    },
  );

  example(
    monitors
      .command("rm <monitorId>")
      .alias("delete")
      .description("delete a monitor (matching stops)")
      .option("--expected-version <n>", "delete only if the monitor is still at this version", positiveInt)
      .option("--json", "print the answer as JSON"),
    "fabric monitors rm btc-100k",
    "fabric monitors rm btc-100k --expected-version 3",
  ).action(async (id: string, opts: { expectedVersion?: number; json?: boolean }, cmd: Command) => {
    const expected = opts.expectedVersion === undefined ? {} : { expectedVersion: opts.expectedVersion };
    await ctx.client(cmd, "admin").monitors.delete(id, expected);
    ctx.deps.out(opts.json ? json({ deleted: id }) : `deleted ${id}\n`);
  });
}
