import { compareRaw, DOWN, PackedCondition, UP } from "./condition-state";
import type { CompiledMonitor, RelativeLike, Source, SourceListener } from "./runtime-types";

/**
 * A relative condition (`value` is an operand): d = left − (times × right + plus), each side the
 * latest value of a source (a raw series or an indicator), compared with 0. It is not indexed by
 * level (d moves with two series); instead it is listed on its sides' series and evaluated at each
 * of their samples, once per fact (`stamp`), with the reference's rules: crossings from the d of
 * its own previous evaluation (`prevD`, NaN: none), hysteresis and forMs as for plain conditions.
 *
 * @example stepRelative(c, engine) // after the fact's series have stepped their sources
 */
export class RelativeCondition extends PackedCondition implements RelativeLike {
  left: Source | undefined = undefined;
  right: Source | undefined = undefined;
  stamp = -1;
  /** d at the previous evaluation (NaN: none, or no value then). */
  prevD = Number.NaN;
  /**
   * An evaluation was skipped (expiresAt) after a side moved, so prevD may differ from the d its
   * sides give now. Otherwise prevD always equals that d (it is evaluated at every sample of
   * both sides), so it is not persisted but derived on restore, and a new prevD alone does not
   * make the monitor dirty (which would cost a state write per evaluation).
   */
  frozen = false;
  /**
   * The monitor's expiresAt, copied here: the engine checks it at every evaluation, and the
   * monitor is another object (on a large shard, a cache miss per evaluation).
   */
  readonly expiresAt: number;
  constructor(
    monitor: CompiledMonitor,
    op: number,
    rare: ConstructorParameters<typeof PackedCondition>[3],
    readonly times: number,
    readonly plus: number,
  ) {
    super(monitor, op, 0, rare);
    this.expiresAt = monitor.expiresAt;
  }
}

/** One evaluation at `listener.now`; reports a truth change, or else a state change (prevD moved). */
export function stepRelative(c: RelativeCondition, listener: SourceListener): void {
  const left = c.left;
  const right = c.right;
  if (!left || !right) return;
  const now = listener.now;
  // NaN (no value on a side) propagates into d, and every comparison with NaN is false.
  const d = currentD(c);
  const prev = c.prevD;
  c.prevD = d;
  const wasTrue = c.truth;
  const wasRaw = c.raw;
  const wasArmed = c.armed;
  const wasHeld = c.heldSince;
  const first = c.fresh;
  c.fresh = false;
  const op = c.op;
  const h = c.h;
  let raw: boolean;
  if (op === UP || op === DOWN) {
    const crossed = op === UP ? prev <= 0 && d > 0 : prev >= 0 && d < 0;
    raw = crossed && c.armed;
    if (!Number.isNaN(h) && (op === UP ? d <= 0 - h : d >= 0 + h)) c.armed = true;
  } else {
    raw = !Number.isNaN(d) && compareRaw(c, d);
  }
  c.raw = raw;
  if (!raw) {
    c.heldSince = Number.NaN;
    c.truth = false;
  } else {
    if (Number.isNaN(c.heldSince)) c.heldSince = now;
    c.truth = c.forMs === 0 || now - c.heldSince >= c.forMs;
    if (c.truth && !Number.isNaN(h)) c.armed = false;
  }
  if (first || c.truth !== wasTrue) listener.truthChanged(c);
  else if (c.frozen || c.raw !== wasRaw || c.armed !== wasArmed || !Object.is(c.heldSince, wasHeld)) {
    listener.stateChanged(c);
  }
}

/** An evaluation skipped at a fact at or after expiresAt: prevD stays, and is persisted from now on. */
export function skipRelative(c: RelativeCondition, listener: SourceListener): void {
  if (c.frozen || c.fresh) return;
  c.frozen = true;
  listener.stateChanged(c);
}

/** The d its sides give now (what prevD is when the condition is not frozen). */
export function currentD(c: RelativeCondition): number {
  const left = c.left;
  const right = c.right;
  if (!left || !right) return Number.NaN;
  return left.last - (c.times * right.last + c.plus);
}
