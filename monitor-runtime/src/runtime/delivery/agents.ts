import type { RuntimeEnv } from "../../env";
import type { SessionMeta, SessionMirror } from "../session/session-store";
import type { MonitorRef } from "../store/projections";
import type { TickWorkflowParams } from "../tick-workflow-params";

/**
 * Addressing of the agents. A workflowId's session is owned by the PortfolioAgent named
 * `~<workflowId>`, never by a linked portfolio's: links change (`monitor_updated`) and two monitors
 * of one workflow may link different portfolios, and an owner that moved with them would split the
 * duplicate filter and run two sessions of one workflow. "~" keeps it apart from real portfolio
 * ids in practice (documented, not enforced). The linked portfolio's agent gets a mirror instead.
 *
 * @example portfolioAgent(env, homeOf(monitor)).offer(metaOf(monitor), wake, instanceId)
 */
export function homeOf(monitor: Pick<MonitorRef, "workflowId">): string {
  return `~${monitor.workflowId}`;
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

/**
 * Copy a session's state to its owner's UserAgent and, when its monitor links one, to that
 * portfolio's PortfolioAgent (in parallel: one extra call per copy, only with a link). A no-op for
 * null. The portfolio is the one in the session's metadata: that of the monitor last offered.
 */
export async function mirrorSession(
  env: Pick<RuntimeEnv, "USER_AGENT" | "PORTFOLIO_AGENT">,
  mirror: SessionMirror | null,
): Promise<void> {
  if (!mirror) return;
  const { portfolioId } = mirror;
  await Promise.all([
    userAgent(env, mirror.userId).mirror(mirror),
    portfolioId ? portfolioAgent(env, portfolioId).mirror(mirror) : undefined,
  ]);
}
