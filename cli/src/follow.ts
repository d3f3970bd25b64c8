import type { FabricClient, Match } from "../../client/src/index";
import { cell, time } from "./output";
import type { Ctx } from "./program";

/**
 * `fabric matches <id> --follow`: the matches so far, then each new one as it arrives (polling
 * after the last matchId seen), one line each (one JSON object a line with --json), until
 * interrupted (Ctrl-C, or `deps.signal` in tests).
 */
export async function followMatches(
  ctx: Ctx,
  client: FabricClient,
  id: string,
  opts: { after?: string; json?: boolean; intervalMs: number },
): Promise<void> {
  const { signal } = ctx.deps;
  const sleep = ctx.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let after = opts.after;
  ctx.deps.err(`following ${id}'s matches every ${opts.intervalMs} ms (Ctrl-C to stop)\n`);
  while (!signal?.aborted) {
    for await (const m of client.matches(id, { pageSize: 500, ...(after ? { after } : {}) })) {
      ctx.deps.out(opts.json ? `${JSON.stringify(m)}\n` : line(m));
      after = m.matchId;
    }
    if (signal?.aborted) break;
    await sleep(opts.intervalMs);
  }
}

function line(m: Match): string {
  return `${time(m.observedAt)}  ${m.matchId}  v${m.monitorVersion}  ${cell(m.triggerEvent?.subject)}  ${cell(m.triggerEvent?.data)}\n`;
}
