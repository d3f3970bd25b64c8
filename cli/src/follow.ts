import { type FabricClient, FabricError, type Match } from "../../client/src/index";
import { cell, time } from "./output";
import type { Ctx } from "./program";

type FollowOpts = { after?: string; json?: boolean; intervalMs: number };

/**
 * `fabric matches <id> --follow` (and `fabric matches tail <id>`): the matches so far, then each
 * new one as it is recorded, one line each (one JSON object a line with --json), until interrupted
 * (Ctrl-C, or `deps.signal` in tests). New ones come from the live stream (GET /v1/matches/stream,
 * client.matchStream), opened BEFORE the matches so far are listed, so a match recorded in between
 * is in one or both (printed once) and never in neither. A fabric without the stream (404) is
 * polled instead.
 */
export async function followMatches(ctx: Ctx, client: FabricClient, id: string, opts: FollowOpts): Promise<void> {
  const { signal } = ctx.deps;
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const live = client.matchStream({ monitorId: id, onOpen: () => opened(), ...(signal ? { signal } : {}) });
  const first = live.next();
  const start = await Promise.race([
    open.then(() => null),
    first.then(
      () => null,
      (error: unknown) => error,
    ),
  ]);
  if (start instanceof FabricError && start.status === 404) {
    ctx.deps.err(`this fabric has no live match stream; polling ${id}'s matches every ${opts.intervalMs} ms\n`);
    return pollMatches(ctx, client, id, opts);
  }
  if (start !== null) throw start;
  ctx.deps.err(`following ${id}'s matches live (Ctrl-C to stop)\n`);
  const listed = new Set<string>();
  for await (const m of client.matches(id, { pageSize: 500, ...(opts.after ? { after: opts.after } : {}) })) {
    print(ctx, m, opts.json);
    listed.add(m.matchId);
  }
  for (let next = await first; !next.done; next = await live.next()) {
    if (!listed.delete(next.value.matchId)) print(ctx, next.value, opts.json);
  }
}

/** The fallback: the matches after the last one seen, every `intervalMs`, until stopped. */
async function pollMatches(ctx: Ctx, client: FabricClient, id: string, opts: FollowOpts): Promise<void> {
  const { signal } = ctx.deps;
  const sleep = ctx.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let after = opts.after;
  while (!signal?.aborted) {
    for await (const m of client.matches(id, { pageSize: 500, ...(after ? { after } : {}) })) {
      print(ctx, m, opts.json);
      after = m.matchId;
    }
    if (signal?.aborted) break;
    await sleep(opts.intervalMs);
  }
}

function print(ctx: Ctx, m: Match, json: boolean | undefined): void {
  ctx.deps.out(
    json
      ? `${JSON.stringify(m)}\n`
      : `${time(m.observedAt)}  ${m.matchId}  v${m.monitorVersion}  ${cell(m.triggerEvent?.subject)}  ${cell(m.triggerEvent?.data)}\n`,
  );
}
