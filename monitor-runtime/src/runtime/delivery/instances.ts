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

export async function createInstance(
  env: Pick<RuntimeEnv, "TICK_WORKFLOW">,
  id: string,
  params: TickWorkflowParams,
): Promise<"created" | "exists"> {
  try {
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
