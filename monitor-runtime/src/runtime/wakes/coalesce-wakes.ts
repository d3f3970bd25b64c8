import { homeOf } from "../delivery/agents";
import type { Wake } from "../session/wake";
import type { MonitorRef } from "../store/projections";
import type { WakeMessage } from "./wake-message";

/**
 * The wakes consumer's batch, grouped by the session each wake-up is for (one per workflowId,
 * owned by `~<workflowId>`): every match pending for one workflow in the batch becomes ONE
 * coalesced wake — one offer to its agent, at most one instance creation or one event — instead of
 * one per match.
 * Groups keep the batch's order, and each group its messages' order.
 *
 * @example for (const g of groupBySession(work)) await offerWakes(env, g.monitor, g.wakes);
 */
export type SessionGroup<T> = { monitor: MonitorRef; wakes: Wake[]; items: T[] };

export function groupBySession<T extends { body: WakeMessage }>(items: readonly T[]): SessionGroup<T>[] {
  const groups = new Map<string, SessionGroup<T>>();
  for (const item of items) {
    const { monitor, wake } = item.body;
    const key = homeOf(monitor);
    const group = groups.get(key);
    if (group) {
      group.items.push(item);
      group.wakes.push(wake);
    } else groups.set(key, { monitor, wakes: [wake], items: [item] });
  }
  return [...groups.values()];
}
