import { WorkflowEntrypoint } from "cloudflare:workers";
import type { ProjectorEnv } from "./env";

/** Projection rebuild as a Workflow, one step per chunk (filled in with the rebuild logic). */
export class ProjectionRebuildWorkflow extends WorkflowEntrypoint<ProjectorEnv, { rebuildId: string }> {
  override async run(): Promise<void> {}
}
