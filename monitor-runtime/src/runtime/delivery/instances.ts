import type { RuntimeEnv } from "../../env";
import type { TickWorkflowParams } from "../tick-workflow-params";

/**
 * Thin helpers over the TICK_WORKFLOW binding. Creating an instance whose id exists is not an
 * error here: ids are derived from idempotency keys, so "already exists" means "already started".
 *
 * @example if ((await createInstance(env, id, params)) === "exists") …
 */
export function isAlreadyExists(err: unknown): boolean {
  return /already.exists/i.test(String(err instanceof Error ? err.message : err));
}

/**
 * Whether an error is the platform refusing instance creations for their rate (Workflows answers
 * 429 above its per-workflow creation limit); the wakes consumer then holds its pacer and retries.
 */
export function isCreationRateLimited(err: unknown): boolean {
  return /\b429\b|too many|rate.?limit/i.test(String(err instanceof Error ? err.message : err));
}

export async function createInstance(
  env: Pick<RuntimeEnv, "TICK_WORKFLOW" | "SIMULATED_CREATE_LIMIT_PER_S">,
  id: string,
  params: TickWorkflowParams,
): Promise<"created" | "exists"> {
  try {
    simulatedCreationLimit(env.SIMULATED_CREATE_LIMIT_PER_S);
    await env.TICK_WORKFLOW.create({ id, params });
    return "created";
  } catch (err) {
    if (isAlreadyExists(err)) return "exists";
    throw err;
  }
}

const FINISHED = new Set(["complete", "errored", "terminated"]);

/** "live" while the instance can still run steps; "gone" when finished or unknown. */
export async function liveness(env: Pick<RuntimeEnv, "TICK_WORKFLOW">, id: string): Promise<"live" | "gone"> {
  try {
    const { status } = await (await env.TICK_WORKFLOW.get(id)).status();
    return FINISHED.has(status) ? "gone" : "live";
  } catch {
    return "gone";
  }
}

/**
 * Create many instances (≤ 100 per call, Workflows' limit); existing ids count as started. A failed
 * one stays "starting" in its agent, and the next wake-up for that session re-drives its creation.
 */
export async function createInstances(
  env: Pick<RuntimeEnv, "TICK_WORKFLOW">,
  batch: { id: string; params: TickWorkflowParams }[],
): Promise<{ created: string[]; existing: string[]; failed: string[] }> {
  const created: string[] = [];
  const existing: string[] = [];
  const failed: string[] = [];
  for (let i = 0; i < batch.length; i += 100) {
    const chunk = batch.slice(i, i + 100);
    const result = await env.TICK_WORKFLOW.createBatch({ instances: chunk });
    created.push(...result.created.map((w) => w.id));
    for (const e of result.errors) {
      const id = e.id ?? chunk[e.index]?.id;
      if (!id) continue;
      if (isAlreadyExists(e.message) || /duplicate_in_batch/.test(e.message)) existing.push(id);
      else failed.push(id);
    }
  }
  return { created, existing, failed };
}

/** Creations in the current second (this isolate), for the simulated limit. */
let window = { second: 0, count: 0 };

/**
 * Test configurations only (like FAULTS, never set in wrangler.jsonc): refuse creations above a
 * rate the way the platform does, since the local runtime has no creation limit of its own.
 */
function simulatedCreationLimit(raw: string | undefined): void {
  const limit = Number(raw);
  if (!raw || !(limit > 0)) return;
  const second = Math.floor(Date.now() / 1000);
  if (window.second !== second) window = { second, count: 0 };
  window.count++;
  if (window.count > limit)
    throw new Error("429 Too Many Requests: workflow instance creations over the simulated limit");
}
