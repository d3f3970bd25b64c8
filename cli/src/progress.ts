import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { Ctx } from "./program";

/**
 * A progress bar on stderr. It draws only on a terminal, unless the global `--progress` asks for
 * it anyway (logs, CI): then it prints one line each second and a final one.
 *
 * @example const bar = progressBar(ctx, cmd, "push [{bar}] {value}/{total} facts"); bar.start(10, 0);
 */
export function progressBar(ctx: Ctx, cmd: Command, format: string): SingleBar {
  const forced = cmd.optsWithGlobals<{ progress?: boolean }>().progress === true;
  return new SingleBar({
    stream: ctx.deps.errStream,
    format,
    hideCursor: true,
    ...(forced ? { noTTYOutput: true, notTTYSchedule: 1000 } : {}),
  });
}
