import type { RuntimeEnv } from "../../env";
import type { SessionMeta, SessionMirror } from "../session/session-store";
import type { MonitorRef } from "../store/projections";
import type { TickWorkflowParams } from "../tick-workflow-params";

/**
 * Addressing of the agents. A session lives in the PortfolioAgent of the monitor's primary linked
 * portfolio; a monitor without one gets a PortfolioAgent of its own, named `~<workflowId>` ("~"
 * keeps it apart from real portfolio ids in practice; documented, not enforced).
 *
 * @example portfolioAgent(env, homeOf(monitor)).offer(metaOf(monitor), wake, instanceId)
 */
export function homeOf(monitor: Pick<MonitorRef, "portfolioId" | "workflowId">): string {
  return monitor.portfolioId ?? `~${monitor.workflowId}`;
}

export function metaOf(monitor: MonitorRef): SessionMeta {
  return {
    workflowId: monitor.workflowId,
    monitorId: monitor.monitorId,
    userId: monitor.ownerUserId,
    portfolioId: monitor.portfolioId,
  };
}

export function paramsOf(monitor: MonitorRef): TickWorkflowParams {
  return { ...metaOf(monitor), home: homeOf(monitor) };
}

export function portfolioAgent(env: Pick<RuntimeEnv, "PORTFOLIO_AGENT">, home: string) {
  return env.PORTFOLIO_AGENT.get(env.PORTFOLIO_AGENT.idFromName(home));
}

export function userAgent(env: Pick<RuntimeEnv, "USER_AGENT">, userId: string) {
  return env.USER_AGENT.get(env.USER_AGENT.idFromName(userId));
}

/** Copy a session's state to its owner's UserAgent (a no-op for null). */
export async function mirrorToUser(env: Pick<RuntimeEnv, "USER_AGENT">, mirror: SessionMirror | null): Promise<void> {
  if (mirror) await userAgent(env, mirror.userId).mirror(mirror);
}
