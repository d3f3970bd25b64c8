import type { MonitorDefinition } from "../../../shared/src/monitor";
import { type Condition, type Indicator, isOperand, type Predicate } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import { OP_CODES, PackedCondition, RareConditionFields } from "./condition-state";
import { RelativeCondition } from "./relative-condition";
import type { CompiledCondition, CompiledMonitor, PredicateGroup, PredicateNode, Series } from "./runtime-types";

/** A predicate group: all (0), any (1) or not (2) over its children. */
export class Group implements PredicateGroup {
  constructor(
    readonly k: 0 | 1 | 2,
    readonly c: PredicateNode[],
  ) {}
}

/**
 * Where a condition reads: compiled once, used when it is (re)attached to a source. A relative
 * condition also reads its operand's series (`operand`).
 */
export type ConditionSite = {
  stream: string;
  field: string;
  windowMs: number;
  pct: boolean;
  indicator: Indicator | undefined;
  operand: { stream: string; field: string; indicator: Indicator | undefined } | undefined;
};

const LEVEL = 1;
const ONCE = 2;
const ENABLED = 4;
const DONE = 8;
const LAST_TRUTH = 16;
const LEVEL_ON = 32;
const DIRTY = 64;
const REMOVED = 128;
const QUEUED = 256;
const NO_SERIES: Series[] = [];
const UNCOMPILED = new Group(0, []);

/** The fields only level monitors and monitors with a cooldown need (`rare` undefined otherwise). */
export class RareMonitorFields {
  /** Event time of the last match (NaN: none; a double field is updated in place, never boxed). */
  lastMatchAt = Number.NaN;
  /** The series it reads, kept for level monitors only (they are evaluated at every sample). */
  series: Series[] = NO_SERIES;
  constructor(
    readonly cooldownMs: number,
    readonly expiresAt: number,
  ) {}
}

/**
 * A CompiledMonitor (runtime-types.ts) packed small: its flags share one integer, the fields few
 * monitors need live in `rare`, and it holds no copy of its definition.
 *
 * @example const { monitor } = compileMonitor(def); evalNode(monitor.tree)
 */
export class PackedMonitor implements CompiledMonitor {
  tree: PredicateNode = UNCOMPILED;
  private bits: number;
  /** Cooldown, last match time and series for the monitors that need them. */
  private readonly rare: RareMonitorFields | undefined;
  constructor(
    readonly id: string,
    readonly version: number,
    cooldownMs: number,
    flags: { level: boolean; once: boolean; enabled: boolean },
    expiresAt = Number.POSITIVE_INFINITY,
  ) {
    this.bits = (flags.level ? LEVEL : 0) | (flags.once ? ONCE : 0) | (flags.enabled ? ENABLED : 0);
    const rare = flags.level || cooldownMs > 0 || expiresAt !== Number.POSITIVE_INFINITY;
    this.rare = rare ? new RareMonitorFields(cooldownMs, expiresAt) : undefined;
  }

  /** Facts observed at or after it evaluate nothing of this monitor (Infinity: never expires). */
  get expiresAt(): number {
    return this.rare ? this.rare.expiresAt : Number.POSITIVE_INFINITY;
  }

  get cooldownMs(): number {
    return this.rare ? this.rare.cooldownMs : 0;
  }
  /** Event time of the last match (null: none, or not needed because there is no cooldown). */
  get lastMatchAt(): number | null {
    return this.rare && !Number.isNaN(this.rare.lastMatchAt) ? this.rare.lastMatchAt : null;
  }
  set lastMatchAt(v: number | null) {
    if (this.rare) this.rare.lastMatchAt = v ?? Number.NaN;
  }
  get series(): Series[] {
    return this.rare ? this.rare.series : NO_SERIES;
  }
  set series(v: Series[]) {
    if (this.rare) this.rare.series = v;
  }

  get level(): boolean {
    return (this.bits & LEVEL) !== 0;
  }
  get once(): boolean {
    return (this.bits & ONCE) !== 0;
  }
  get enabled(): boolean {
    return (this.bits & ENABLED) !== 0;
  }
  get done(): boolean {
    return (this.bits & DONE) !== 0;
  }
  set done(v: boolean) {
    this.bits = v ? this.bits | DONE : this.bits & ~DONE;
  }
  /** The predicate's value at the previous evaluation (false before the first). */
  get lastTruth(): boolean {
    return (this.bits & LAST_TRUTH) !== 0;
  }
  set lastTruth(v: boolean) {
    this.bits = v ? this.bits | LAST_TRUTH : this.bits & ~LAST_TRUTH;
  }
  /** In the level queue of each series it reads (level mode, predicate true). */
  get levelOn(): boolean {
    return (this.bits & LEVEL_ON) !== 0;
  }
  set levelOn(v: boolean) {
    this.bits = v ? this.bits | LEVEL_ON : this.bits & ~LEVEL_ON;
  }
  /** Listed in the engine's dirty monitors since the last takeDirty. */
  get dirty(): boolean {
    return (this.bits & DIRTY) !== 0;
  }
  set dirty(v: boolean) {
    this.bits = v ? this.bits | DIRTY : this.bits & ~DIRTY;
  }
  /** Replaced by a newer version or removed from the engine. */
  get removed(): boolean {
    return (this.bits & REMOVED) !== 0;
  }
  set removed(v: boolean) {
    this.bits = v ? this.bits | REMOVED : this.bits & ~REMOVED;
  }
  /** Queued for evaluation at the current fact (evaluated once per fact; a flag, not a field: memory). */
  get queued(): boolean {
    return (this.bits & QUEUED) !== 0;
  }
  set queued(v: boolean) {
    this.bits = v ? this.bits | QUEUED : this.bits & ~QUEUED;
  }
  /** Whether the monitor is live in the indexes (enabled and not finished by `once`). */
  get active(): boolean {
    return (this.bits & (ENABLED | DONE)) === ENABLED;
  }
  /**
   * Still inside the cooldown after its last match at event time `now`. Defined through readyAt
   * so that the level queues (keyed by readyAt) and evaluation agree on every boundary; times and
   * cooldowns are whole ms below 2^53, so this is exactly now − lastMatchAt < cooldownMs.
   */
  cooling(now: number): boolean {
    return now < this.readyAt();
  }
  /** The earliest event time at which a match is out of its cooldown (-Infinity: at any time). */
  readyAt(): number {
    const rare = this.rare;
    if (rare === undefined || rare.cooldownMs <= 0 || Number.isNaN(rare.lastMatchAt)) return Number.NEGATIVE_INFINITY;
    return rare.lastMatchAt + rare.cooldownMs;
  }
  /** The conditions, left to right (the order of `sites` and of persisted state). */
  conds(): CompiledCondition[] {
    return leaves(this.tree, []);
  }
}

/** Compiles a definition; `sites[i]` says where condition i reads (only needed to attach it). */
export function compileMonitor(def: MonitorDefinition): { monitor: PackedMonitor; sites: ConditionSite[] } {
  const fire = def.fire ?? { mode: "edge", cooldownMs: 0, once: false };
  const m = new PackedMonitor(
    def.monitorId,
    def.version,
    fire.cooldownMs ?? 0,
    { level: fire.mode === "level", once: fire.once ?? false, enabled: def.enabled !== false },
    def.expiresAt ?? Number.POSITIVE_INFINITY,
  );
  const sites: ConditionSite[] = [];
  const compile = (p: Predicate): PredicateNode => {
    if ("all" in p || "any" in p) {
      const kids = ("all" in p ? p.all : p.any).map(compile);
      return kids.length === 1 ? (kids[0] as PredicateNode) : new Group("all" in p ? 0 : 1, kids);
    }
    if ("not" in p) return new Group(2, [compile(p.not)]);
    const v = p.value;
    sites.push({
      stream: streamKey(p.stream),
      field: p.field,
      windowMs: p.change?.windowMs ?? 0,
      pct: p.change?.mode === "pct",
      indicator: p.indicator,
      operand: isOperand(v)
        ? { stream: streamKey(v.stream ?? p.stream), field: v.field, indicator: v.indicator }
        : undefined,
    });
    return compileCondition(m, p);
  };
  m.tree = compile(def.predicate);
  return { monitor: m, sites };
}

function compileCondition(m: PackedMonitor, c: Condition): PackedCondition {
  const v = c.value;
  const op = OP_CODES[c.op];
  if (op === undefined) throw new Error(`unknown op ${c.op}`);
  const forMs = c.forMs ?? 0;
  const h = c.hysteresis ?? Number.NaN;
  if (isOperand(v)) {
    const rare = forMs > 0 || !Number.isNaN(h) ? new RareConditionFields(0, h, forMs, Number.NaN) : undefined;
    return new RelativeCondition(m, op, rare, v.times ?? 1, v.plus ?? 0);
  }
  const [a, b] = Array.isArray(v) ? v : [v, 0];
  const rare = Array.isArray(v) || forMs > 0 || !Number.isNaN(h);
  return new PackedCondition(m, op, a, rare ? new RareConditionFields(b, h, forMs, Number.NaN) : undefined);
}

// Every condition is a PackedCondition, so a node that is not one is a group. TypeScript cannot
// narrow an interface union by a class, hence the casts (types only: the code is as before).
function leaves(n: PredicateNode, out: CompiledCondition[]): CompiledCondition[] {
  if (n instanceof PackedCondition) out.push(n);
  else for (const x of (n as PredicateGroup).c) leaves(x, out);
  return out;
}

/** The predicate's value from its conditions' current truths. */
export function evalNode(n: PredicateNode): boolean {
  if (n instanceof PackedCondition) return n.truth;
  const g = n as PredicateGroup;
  if (g.k === 2) return !evalNode(g.c[0] as PredicateNode);
  if (g.k === 0) {
    for (const x of g.c) if (!evalNode(x)) return false;
    return true;
  }
  for (const x of g.c) if (evalNode(x)) return true;
  return false;
}
