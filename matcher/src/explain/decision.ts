import type { ExplainDecision } from "../../../shared/src/contract/explain";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { MonitorStep } from "../engine/reference-observer";
import { rfc3339 } from "./wording";

/**
 * The fire decision at one evaluation, in words. Explain replays a disabled monitor as if it were
 * enabled (as a backtest does), so its rows say what would have happened: every decision of a
 * disabled monitor is `disabled`, its reason saying what it would have been.
 *
 * @example decisionOf(def, step, () => ["all.1 is false"]) // { outcome: "false", reason: "false: all.1 is false" }
 */
export function decisionOf(def: MonitorDefinition, step: MonitorStep, whyFalse: () => string[]): ExplainDecision {
  const decision = enabledDecision(def, step, whyFalse);
  if (def.enabled && step.enabled) return decision;
  const would = decision.outcome === "matched" ? "would have matched" : decision.reason;
  return { outcome: "disabled", reason: `disabled; ${would}` };
}

/**
 * The decision at a fact at or after the monitor's expiresAt that would otherwise have evaluated
 * it: nothing was evaluated (the reference's rule), so nothing could match.
 */
export function expiredDecision(def: MonitorDefinition): ExplainDecision {
  const reason = `expired at ${rfc3339(def.expiresAt ?? 0)}`;
  return def.enabled ? { outcome: "expired", reason } : { outcome: "disabled", reason: `disabled; ${reason}` };
}

const SHOWN_LEAVES = 4;

function enabledDecision(def: MonitorDefinition, step: MonitorStep, whyFalse: () => string[]): ExplainDecision {
  if (step.match) return { outcome: "matched", matchId: step.match.matchId, reason: "matched" };
  if (!step.truth) {
    const why = whyFalse();
    const more = why.length > SHOWN_LEAVES ? `, and ${why.length - SHOWN_LEAVES} more` : "";
    return { outcome: "false", reason: `false: ${why.slice(0, SHOWN_LEAVES).join(", ")}${more}` };
  }
  const last = step.lastMatchAt === null ? "" : ` at ${rfc3339(step.lastMatchAt)}`;
  if (step.done) return { outcome: "suppressed", reason: `suppressed: once, and it already matched${last}` };
  if (def.fire.mode === "edge" && step.wasTrue)
    return { outcome: "suppressed", reason: "suppressed: already true (edge)" };
  if (!step.cooled && step.lastMatchAt !== null) {
    return {
      outcome: "suppressed",
      reason: `suppressed: cooldown until ${rfc3339(step.lastMatchAt + def.fire.cooldownMs)} after the match${last}`,
    };
  }
  return { outcome: "suppressed", reason: "suppressed" };
}
