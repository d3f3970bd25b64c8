import type { Command } from "commander";
import type { AdminScope, RebuildStatus } from "../../client/src/index";
import { addDeliveryCommands } from "./commands-deliveries";
import { addDeadLetterCommands } from "./commands-dlq";
import { json, table } from "./output";
import { type Ctx, example } from "./program";
import { progressBar } from "./progress";
import { statsView } from "./stats-view";

/** What each scope lets a token do (shared/src/http/admin-scopes.ts), for people reading whoami. */
const ALLOWS: Record<AdminScope, string> = {
  read: "every GET (monitors, matches, stream facts, stats, dead letters) and explain",
  write: "registry changes, backtests, dead-letter replays, delivery retries, rebuilds",
  "control-plane": "the seed-000 control-plane routes and enqueue-tick",
};

/** `fabric whoami`, `fabric stats`, `fabric rebuild`, `fabric deliveries retry` and the `fabric dlq` commands. */
export function addAdminCommands(program: Command, ctx: Ctx): void {
  example(
    program
      .command("whoami")
      .description("the scopes the admin token holds, and what each allows")
      .option("--json", "print the answer as JSON ({scopes, name?})"),
    "fabric whoami",
    "fabric --token dev-read-token-local whoami --json",
  ).action(async (opts: { json?: boolean }, cmd: Command) => {
    const me = await ctx.client(cmd, "admin").admin.whoami();
    if (opts.json) return ctx.deps.out(json(me));
    if (me.name) ctx.deps.out(`token ${me.name}\n`);
    ctx.deps.out(
      table(
        ["scope", "allows"],
        me.scopes.map((s) => [s, ALLOWS[s] ?? ""]),
      ),
    );
  });

  example(
    program
      .command("stats")
      .description("facts, matches, backlogs, queue lag and dead-letter counts")
      .option("--json", "print the stats as JSON"),
    "fabric stats --json",
  ).action(async (opts: { json?: boolean }, cmd: Command) => {
    const stats = await ctx.client(cmd, "admin").stats();
    ctx.deps.out(opts.json ? json(stats) : statsView(stats, ctx.deps.now?.() ?? Date.now(), ctx.deps.outColumns));
  });

  example(
    program
      .command("rebuild")
      .description("rebuild the projections from the event log, with a progress bar until complete or failed")
      .option("--projections <names>", "only these projections, comma-separated")
      .option("--json", "print the final rebuild status as JSON"),
    "fabric rebuild",
  ).action(async (opts: { projections?: string; json?: boolean }, cmd: Command) => {
    const client = ctx.client(cmd, "admin");
    // The number of events is not known before the rebuild ends: the bar's total follows what has
    // been applied, and fills when the rebuild completes.
    const bar = progressBar(ctx, cmd, "rebuild [{bar}] {value} events applied | {status} | {duration}s");
    bar.start(1, 0, { status: "starting" });
    let last: RebuildStatus | undefined;
    try {
      last = await client.rebuild({
        ...(opts.projections ? { projections: opts.projections.split(",").map((s) => s.trim()) } : {}),
        onProgress: (s) => {
          bar.setTotal(s.status === "complete" ? Math.max(s.eventsApplied, 1) : s.eventsApplied + 1);
          bar.update(s.status === "complete" ? Math.max(s.eventsApplied, 1) : s.eventsApplied, { status: s.status });
        },
      });
    } finally {
      bar.stop();
    }
    if (opts.json) return ctx.deps.out(json(last));
    const secs = last.completedAt ? ` in ${((last.completedAt - last.startedAt) / 1000).toFixed(1)} s` : "";
    ctx.deps.out(`rebuild ${last.rebuildId} complete: ${last.eventsApplied} events applied${secs}\n`);
  });

  addDeliveryCommands(program, ctx);
  addDeadLetterCommands(program, ctx);
}
