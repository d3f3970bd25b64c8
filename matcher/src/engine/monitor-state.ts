import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition, Predicate } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import { CondExtra, CondRt, OP_CODES } from "./condition-state";
import type { Series } from "./stream-state";

/** A predicate group: all (0), any (1) or not (2) over its children. */
export class Group {
  constructor(
    readonly k: 0 | 1 | 2,
    readonly c: Node[],
  ) {}
}

/** A compiled predicate: conditions are the leaves (a single condition is the whole tree). */
export type Node = CondRt | Group;

/** Where a condition reads: compiled once, used when it is (re)attached to a source. */
export type CondSite = { stream: string; field: string; windowMs: number; pct: boolean };

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

/** What only level monitors and monitors with a cooldown need. */
export class MonitorExtra {
  /** Event time of the last match (NaN: none; a double field is updated in place, never boxed). */
  lastMatchAt = Number.NaN;
  /** The series it reads, kept for level monitors only (they are evaluated at every sample). */
  series: Series[] = NO_SERIES;
  constructor(readonly cooldownMs: number) {}
}

/**
 * One monitor version as the indexed engine runs it: identity for its matches, fire policy,
 * compiled predicate, and the monitor's own state (edge memory, cooldown, once). Kept small:
 * flags share one integer, and a monitor holds no copy of its definition.
 *
 * @example const { monitor } = compileMonitor(def); evalNode(monitor.tree)
 */
export class MonitorRt {
  tree: Node = UNCOMPILED;
  private bits: number;
  /** Cooldown, last match time and series for the monitors that need them. */
  private readonly x: MonitorExtra | undefined;
  constructor(
    readonly id: string,
    readonly version: number,
    cooldownMs: number,
    flags: { level: boolean; once: boolean; enabled: boolean },
  ) {
    this.bits = (flags.level ? LEVEL : 0) | (flags.once ? ONCE : 0) | (flags.enabled ? ENABLED : 0);
    this.x = flags.level || cooldownMs > 0 ? new MonitorExtra(cooldownMs) : undefined;
  }

  get cooldownMs(): number {
    return this.x ? this.x.cooldownMs : 0;
  }
  /** Event time of the last match (null: none, or not needed because there is no cooldown). */
  get lastMatchAt(): number | null {
    return this.x && !Number.isNaN(this.x.lastMatchAt) ? this.x.lastMatchAt : null;
  }
  set lastMatchAt(v: number | null) {
    if (this.x) this.x.lastMatchAt = v ?? Number.NaN;
  }
  get series(): Series[] {
    return this.x ? this.x.series : NO_SERIES;
  }
  set series(v: Series[]) {
    if (this.x) this.x.series = v;
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
    const x = this.x;
    if (x === undefined || x.cooldownMs <= 0 || Number.isNaN(x.lastMatchAt)) return Number.NEGATIVE_INFINITY;
    return x.lastMatchAt + x.cooldownMs;
  }
  /** The conditions, left to right (the order of `sites` and of persisted state). */
  conds(): CondRt[] {
    return leaves(this.tree, []);
  }
}

/** Compiles a definition; `sites[i]` says where condition i reads (only needed to attach it). */
export function compileMonitor(def: MonitorDefinition): { monitor: MonitorRt; sites: CondSite[] } {
  const fire = def.fire ?? { mode: "edge", cooldownMs: 0, once: false };
  const m = new MonitorRt(def.monitorId, def.version, fire.cooldownMs ?? 0, {
    level: fire.mode === "level",
    once: fire.once ?? false,
    enabled: def.enabled !== false,
  });
  const sites: CondSite[] = [];
  const compile = (p: Predicate): Node => {
    if ("all" in p || "any" in p) {
      const kids = ("all" in p ? p.all : p.any).map(compile);
      return kids.length === 1 ? (kids[0] as Node) : new Group("all" in p ? 0 : 1, kids);
    }
    if ("not" in p) return new Group(2, [compile(p.not)]);
    sites.push({
      stream: streamKey(p.stream),
      field: p.field,
      windowMs: p.change?.windowMs ?? 0,
      pct: p.change?.mode === "pct",
    });
    return compileCondition(m, p);
  };
  m.tree = compile(def.predicate);
  return { monitor: m, sites };
}

function compileCondition(m: MonitorRt, c: Condition): CondRt {
  const [a, b] = Array.isArray(c.value) ? c.value : [c.value, 0];
  const op = OP_CODES[c.op];
  if (op === undefined) throw new Error(`unknown op ${c.op}`);
  const forMs = c.forMs ?? 0;
  const h = c.hysteresis ?? Number.NaN;
  const extra = Array.isArray(c.value) || forMs > 0 || !Number.isNaN(h);
  return new CondRt(m, op, a, extra ? new CondExtra(b, h, forMs, Number.NaN) : undefined);
}

function leaves(n: Node, out: CondRt[]): CondRt[] {
  if (n instanceof CondRt) out.push(n);
  else for (const x of n.c) leaves(x, out);
  return out;
}

export function evalNode(n: Node): boolean {
  if (n instanceof CondRt) return n.truth;
  if (n.k === 2) return !evalNode(n.c[0] as Node);
  if (n.k === 0) {
    for (const x of n.c) if (!evalNode(x)) return false;
    return true;
  }
  for (const x of n.c) if (evalNode(x)) return true;
  return false;
}
