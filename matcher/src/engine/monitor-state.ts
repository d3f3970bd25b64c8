import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition, Predicate } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import { CondRt, OP_CODES } from "./condition-state";
import type { Series } from "./stream-state";

/** A compiled predicate: a leaf is the index of a condition, a node is all (0), any (1), not (2). */
export type Node = number | { k: 0 | 1 | 2; c: Node[] };

/** Where a condition reads: compiled once, used when it is (re)attached to a source. */
export type CondSite = { stream: string; field: string; windowMs: number; pct: boolean };

/**
 * One monitor version as the indexed engine runs it: identity for its matches, fire policy,
 * compiled predicate, conditions, and the monitor's own state (edge memory, cooldown, once).
 *
 * @example const { monitor } = compileMonitor(def); evalNode(monitor.tree, monitor.conds)
 */
export class MonitorRt {
  conds: CondRt[] = [];
  tree: Node = 0;
  lastTruth = false;
  lastMatchAt = Number.NaN;
  done = false;
  /** The engine's fact stamp when this monitor was last queued for evaluation. */
  stamp = 0;
  /** In the levelTrue set of each series it reads (level mode, predicate true). */
  levelOn = false;
  series: Series[] = [];
  constructor(
    readonly id: string,
    readonly version: number,
    readonly workflowId: string,
    readonly ownerUserId: string,
    readonly portfolioId: string | null,
    readonly level: boolean,
    readonly cooldownMs: number,
    readonly once: boolean,
    readonly enabled: boolean,
  ) {}

  /** Whether the monitor is live in the indexes (enabled and not finished by `once`). */
  get active(): boolean {
    return this.enabled && !this.done;
  }
}

/** Compiles a definition; `sites[i]` says where condition i reads (only needed to attach it). */
export function compileMonitor(def: MonitorDefinition): { monitor: MonitorRt; sites: CondSite[] } {
  const fire = def.fire ?? { mode: "edge", cooldownMs: 0, once: false };
  const m = new MonitorRt(
    def.monitorId,
    def.version,
    def.workflowId,
    def.ownerUserId,
    def.linkedPortfolioIds[0] ?? null,
    fire.mode === "level",
    fire.cooldownMs ?? 0,
    fire.once ?? false,
    def.enabled !== false,
  );
  const sites: CondSite[] = [];
  const compile = (p: Predicate): Node => {
    if ("all" in p || "any" in p) {
      const kids = ("all" in p ? p.all : p.any).map(compile);
      return kids.length === 1 ? (kids[0] as Node) : { k: "all" in p ? 0 : 1, c: kids };
    }
    if ("not" in p) return { k: 2, c: [compile(p.not)] };
    m.conds.push(compileCondition(m, p));
    sites.push({
      stream: streamKey(p.stream),
      field: p.field,
      windowMs: p.change?.windowMs ?? 0,
      pct: p.change?.mode === "pct",
    });
    return m.conds.length - 1;
  };
  m.tree = compile(def.predicate);
  return { monitor: m, sites };
}

function compileCondition(m: MonitorRt, c: Condition): CondRt {
  const [a, b] = Array.isArray(c.value) ? c.value : [c.value, 0];
  const op = OP_CODES[c.op];
  if (op === undefined) throw new Error(`unknown op ${c.op}`);
  return new CondRt(m, op, a, b, c.hysteresis ?? Number.NaN, c.forMs ?? 0);
}

export function evalNode(n: Node, conds: CondRt[]): boolean {
  if (typeof n === "number") return conds[n]?.truth ?? false;
  if (n.k === 2) return !evalNode(n.c[0] as Node, conds);
  if (n.k === 0) {
    for (const x of n.c) if (!evalNode(x, conds)) return false;
    return true;
  }
  for (const x of n.c) if (evalNode(x, conds)) return true;
  return false;
}

/** A monitor's persisted state: plain JSON. Condition tuples are [fresh, truth, raw, armed, heldSince]. */
export type MonitorState = {
  version: number;
  lastTruth: boolean;
  lastMatchAt: number | null;
  done: boolean;
  conds: [number, number, number, number, number | null][];
};

export function monitorState(m: MonitorRt): MonitorState {
  return {
    version: m.version,
    lastTruth: m.lastTruth,
    lastMatchAt: Number.isNaN(m.lastMatchAt) ? null : m.lastMatchAt,
    done: m.done,
    conds: m.conds.map((c) => [
      c.fresh ? 1 : 0,
      c.truth ? 1 : 0,
      c.raw ? 1 : 0,
      c.armed ? 1 : 0,
      Number.isNaN(c.heldSince) ? null : c.heldSince,
    ]),
  };
}

/** Loads a persisted state into a freshly compiled monitor of the same version. */
export function loadMonitorState(m: MonitorRt, state: unknown): void {
  const s = state as MonitorState | undefined;
  if (!s || s.version !== m.version || s.conds.length !== m.conds.length) return;
  m.lastTruth = s.lastTruth;
  m.lastMatchAt = s.lastMatchAt ?? Number.NaN;
  m.done = s.done;
  s.conds.forEach(([fresh, truth, raw, armed, heldSince], i) => {
    const c = m.conds[i];
    if (!c) return;
    c.fresh = fresh === 1;
    c.truth = truth === 1;
    c.raw = raw === 1;
    c.armed = armed === 1;
    c.heldSince = heldSince ?? Number.NaN;
  });
}
