import { DurableObject, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";

/**
 * load:burst's floor Worker (load-tests/workflow-floor/wrangler.jsonc): what creating and running
 * K workflow instances costs in the local runtime, with none of the fabric's notify, sessions,
 * agents, D1 or events. Each instance runs one step that records its completion in one Durable
 * Object (the least that lets the bench see when all K are done).
 *
 * POST /create `{ run, from, count, mode }` creates instances `<run>-<from>…` (createBatch of ≤ 100,
 * or `mode: "single"`: one create() each, all at once) and answers when its creation calls started
 * and ended, in the runtime's clock; GET /runs/<run> answers how many completed and when the first
 * and last did.
 */
type FloorParams = { run: string };
type FloorEnv = { FLOOR_WORKFLOW: Workflow<FloorParams>; TALLY: DurableObjectNamespace<FloorTally> };
type Progress = { completed: number; firstAt: number | null; lastAt: number | null };

export class FloorWorkflow extends WorkflowEntrypoint<FloorEnv, FloorParams> {
  override async run(event: Readonly<WorkflowEvent<FloorParams>>, step: WorkflowStep): Promise<void> {
    const { run } = event.payload;
    await step.do("trivial", () => tally(this.env).done(run, event.instanceId, Date.now()));
  }
}

/** One row per completed instance; a replayed step writes the same row again (no double count). */
export class FloorTally extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS done (run TEXT, id TEXT, at INTEGER, PRIMARY KEY (run, id))");
  }

  done(run: string, id: string, at: number): number {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO done (run, id, at) VALUES (?, ?, ?)", run, id, at);
    return at;
  }

  progress(run: string): Progress {
    return this.ctx.storage.sql
      .exec<Progress>(
        "SELECT COUNT(*) AS completed, MIN(at) AS firstAt, MAX(at) AS lastAt FROM done WHERE run = ?",
        run,
      )
      .one();
  }
}

function tally(env: FloorEnv) {
  return env.TALLY.get(env.TALLY.idFromName("tally"));
}

async function create(env: FloorEnv, body: { run: string; from: number; count: number; mode?: string }) {
  const instances = Array.from({ length: body.count }, (_, i) => ({
    id: `${body.run}-${body.from + i}`,
    params: { run: body.run },
  }));
  const startedAt = Date.now();
  if (body.mode === "single") {
    const settled = await Promise.allSettled(instances.map((o) => env.FLOOR_WORKFLOW.create(o)));
    const errors = settled.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
    return { created: instances.length - errors.length, errors: errors.slice(0, 5), startedAt, endedAt: Date.now() };
  }
  let created = 0;
  const errors: string[] = [];
  for (let i = 0; i < instances.length; i += 100) {
    const r = await env.FLOOR_WORKFLOW.createBatch({ instances: instances.slice(i, i + 100) });
    created += r.created.length;
    errors.push(...r.errors.map((e) => e.message));
  }
  return { created, errors: errors.slice(0, 5), startedAt, endedAt: Date.now() };
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/create")
      return Response.json(await create(env, await request.json()));
    const run = /^\/runs\/([\w-]+)$/.exec(url.pathname)?.[1];
    if (run) return Response.json(await tally(env).progress(run));
    return new Response("ok");
  },
} satisfies ExportedHandler<FloorEnv>;
