import { PackedCondition } from "./condition-state";
import { RelativeCondition } from "./relative-condition";
import type { CompiledMonitor, PredicateGroup, PredicateNode } from "./runtime-types";

/**
 * A monitor's persisted state, plain JSON and compact (it is written after every batch that
 * touched the monitor): [version, lastTruth (0|1), done (0|1), lastMatchAt | null, then per
 * condition: flags (1 fresh, 2 truth, 4 raw, 8 armed, 16 frozen), heldSince | null, then per
 * relative condition, in order, its previous d when frozen (else null: restore derives it from
 * its sides, see RelativeCondition.frozen)].
 */
export type MonitorState = (number | null)[];

export function monitorState(m: CompiledMonitor): MonitorState {
  const out: MonitorState = [m.version, m.lastTruth ? 1 : 0, m.done ? 1 : 0, m.lastMatchAt];
  pushCondStates(m.tree, out);
  for (const c of m.conds()) {
    if (c instanceof RelativeCondition) out.push(!c.frozen || Number.isNaN(c.prevD) ? null : c.prevD);
  }
  return out;
}

function pushCondStates(n: PredicateNode, out: MonitorState): void {
  if (n instanceof PackedCondition) {
    const frozen = n instanceof RelativeCondition && n.frozen ? 16 : 0;
    out.push((n.fresh ? 1 : 0) | (n.truth ? 2 : 0) | (n.raw ? 4 : 0) | (n.armed ? 8 : 0) | frozen);
    out.push(Number.isNaN(n.heldSince) ? null : n.heldSince);
  } else for (const x of (n as PredicateGroup).c) pushCondStates(x, out);
}

/** Loads a persisted state into a freshly compiled monitor of the same version. */
export function loadMonitorState(m: CompiledMonitor, state: unknown): void {
  const s = state as MonitorState | undefined;
  const conds = m.conds();
  const relatives = conds.filter((c): c is RelativeCondition => c instanceof RelativeCondition);
  if (!Array.isArray(s) || s[0] !== m.version || s.length !== 4 + 2 * conds.length + relatives.length) return;
  m.lastTruth = s[1] === 1;
  m.done = s[2] === 1;
  m.lastMatchAt = s[3] ?? null;
  conds.forEach((c, i) => {
    const flags = s[4 + 2 * i] ?? 0;
    c.fresh = (flags & 1) !== 0;
    c.truth = (flags & 2) !== 0;
    c.raw = (flags & 4) !== 0;
    c.armed = (flags & 8) !== 0;
    c.heldSince = s[5 + 2 * i] ?? Number.NaN;
  });
  relatives.forEach((c, i) => {
    c.frozen = ((s[4 + 2 * conds.indexOf(c)] ?? 0) & 16) !== 0;
    c.prevD = s[4 + 2 * conds.length + i] ?? Number.NaN;
  });
}
