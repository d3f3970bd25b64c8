import { Command, CommanderError, InvalidArgumentError } from "commander";
import { FabricClient } from "../../client/src/index";
import { addAdminCommands } from "./commands-admin";
import { addBacktestCommand } from "./commands-backtest";
import { addDataCommands } from "./commands-data";
import { addExplainCommand } from "./commands-explain";
import { addMonitorCommands } from "./commands-monitors";
import { addPushCommands } from "./commands-push";
import { type Deps, UsageError } from "./deps";
import { describeError, type ErrorContext } from "./errors";

/** What every command gets: the output streams, and a client built from flags or environment. */
export type Ctx = {
  deps: Deps;
  /** The client for this command; `need` says which token it must have. */
  client(cmd: Command, need: "admin" | "producer"): FabricClient;
};

type GlobalOpts = { url?: string; token?: string; producerToken?: string; signingSecret?: string; timeout?: number };

/**
 * `fabric <noun> <verb>`: runs one command and answers its exit code (0 success, 1 failure, 2
 * usage). Output goes through `deps`, so tests run it in-process with a fake fetch.
 *
 * @example process.exitCode = await run(["monitors", "list", "--json"], deps)
 */
export async function run(argv: string[], deps: Deps): Promise<number> {
  const where: ErrorContext = {};
  const ctx: Ctx = {
    deps,
    client(cmd, need) {
      const o = cmd.optsWithGlobals<GlobalOpts>();
      const url = o.url ?? deps.env.FABRIC_URL;
      if (!url) throw new UsageError("no fabric URL: set FABRIC_URL or pass --url (e.g. http://127.0.0.1:8787)");
      if (!/^https?:$/.test(parsedProtocol(url))) {
        throw new UsageError(
          `"${url}" is not an http(s) URL: set FABRIC_URL or --url to the fabric's origin, e.g. http://127.0.0.1:8787`,
        );
      }
      where.url = url;
      const token = o.token ?? deps.env.FABRIC_TOKEN;
      const producerToken = o.producerToken ?? deps.env.FABRIC_PRODUCER_TOKEN;
      if (need === "admin" && !token) throw new UsageError("no admin token: set FABRIC_TOKEN or pass --token");
      if (need === "producer" && !producerToken && !token) {
        throw new UsageError("no producer token: set FABRIC_PRODUCER_TOKEN or pass --producer-token");
      }
      // Pushing with the admin token (no producer token given) is allowed, but the hint on a 401 says so.
      where.token = need === "admin" ? "admin" : producerToken ? "producer" : "admin-as-producer";
      const signingSecret = o.signingSecret ?? deps.env.FABRIC_SIGNING_SECRET;
      const timeoutMs = timeoutMsOf(o.timeout, deps.env.FABRIC_TIMEOUT);
      return new FabricClient({
        baseUrl: url,
        ...(token ? { token } : {}),
        ...(producerToken ? { producerToken } : {}),
        ...(signingSecret ? { signingSecret } : {}),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      });
    },
  };

  const program = new Command("fabric")
    .description("Talk to a trigger-matcher fabric: monitors, matches, facts, rebuilds, dead letters.")
    .option("--url <url>", "the fabric's origin (default: $FABRIC_URL)")
    .option("--token <token>", "an admin token (default: $FABRIC_TOKEN)")
    .option("--producer-token <token>", "the producer token for push (default: $FABRIC_PRODUCER_TOKEN)")
    .option("--signing-secret <secret>", "sign pushes with this secret (default: $FABRIC_SIGNING_SECRET)")
    .option(
      "--timeout <seconds>",
      "give up a request that has not answered after this long, then retry (default: $FABRIC_TIMEOUT or 30; 0: never)",
      seconds,
    )
    .option("--progress", "draw progress bars even when stderr is not a terminal (a line a second)")
    .exitOverride()
    .configureOutput({ writeOut: deps.out, writeErr: deps.err })
    .showHelpAfterError("(add --help for usage and an example)")
    .addHelpText(
      "after",
      "\nExample:\n  $ export FABRIC_URL=http://127.0.0.1:8787 FABRIC_TOKEN=dev-admin-token\n  $ fabric monitors list --json",
    );

  addMonitorCommands(program, ctx);
  addPushCommands(program, ctx);
  addDataCommands(program, ctx);
  addBacktestCommand(program, ctx);
  addAdminCommands(program, ctx);
  addExplainCommand(program, ctx);
  program.hook("preAction", (_program, action) => {
    // The command's words without the program's ("dlq replay" → "dead-letters replay"), for hints.
    const names: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
    where.command = names.join(" ");
  });

  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    const { lines, code } = describeError(e, where);
    deps.err(`${lines.join("\n")}\n`);
    return code;
  }
}

/** The URL's scheme ("http:"), or "" when it is not a URL at all. */
function parsedProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return "";
  }
}

/** A commander argument parser for --timeout: seconds ≥ 0, fractions allowed. */
function seconds(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !(n >= 0))
    throw new InvalidArgumentError("give a number of seconds, e.g. 60 (0 waits forever).");
  return n;
}

/** --timeout, else FABRIC_TIMEOUT, as the client's timeoutMs; undefined leaves the client's default. */
function timeoutMsOf(flag: number | undefined, env: string | undefined): number | undefined {
  if (flag !== undefined) return flag * 1000;
  if (!env) return undefined;
  const n = Number(env);
  if (!(n >= 0) || env.trim() === "") {
    throw new UsageError(`FABRIC_TIMEOUT="${env}" is not a number of seconds: set it to e.g. 60 (0 waits forever)`);
  }
  return n * 1000;
}

/** Adds the "Example:" lines every command's --help ends with. */
export function example(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText("after", `\nExample:\n${lines.map((l) => `  $ ${l}`).join("\n")}`);
}

/** A commander argument parser for counts such as --limit. */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("give a positive integer.");
  return n;
}
