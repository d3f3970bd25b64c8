import { z } from "zod";

/**
 * The params of a WorkflowMonitorTickWorkflow instance: which session it serves and where that
 * session's agents live. Small on purpose (instance params count against Workflows' payload
 * limits); wake-ups themselves stay in the PortfolioAgent until the instance takes them.
 *
 * @example env.TICK_WORKFLOW.create({ id, params: { workflowId: "wf_1", monitorId: "m1", userId: "u_1", portfolioId: "pf_1", home: "~wf_1" } })
 */
export const TickWorkflowParamsSchema = z.object({
  workflowId: z.string().min(1),
  monitorId: z.string().min(1),
  userId: z.string().min(1),
  portfolioId: z.string().nullable(),
  /** The PortfolioAgent name that owns the session. */
  home: z.string().min(1),
});
export type TickWorkflowParams = z.infer<typeof TickWorkflowParamsSchema>;
