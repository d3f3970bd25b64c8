import { type MonitorState, monitorStateLength, readMonitorState, writeMonitorState } from "./monitor-persistence";
import type { MonitorRt } from "./monitor-state";

/** Records per monitor and round written at once; later ones are read at `take` (see record). */
const RECORD_AT_MOST = 2;

/**
 * The states of the monitors changed since the last checkpoint, recorded as numbers in one
 * growing array at the end of each operation that changed them, while they are in cache. A
 * monitor changed again overwrites its own slot, so a checkpoint reads this array alone.
 *
 * Why: at a million monitors a checkpoint reports ~13,000 monitors per 10,000 facts, each last
 * touched thousands of facts earlier. Reading them back then (the monitor, its conditions and
 * their extras) was a cache miss per object and ~12 % of the engine's time.
 *
 * A monitor knows whether it has a slot in this round (`dirtyEpoch`) and which (`dirtySlot`):
 * starting a new round never has to visit the monitors of the last one.
 *
 * @example states.record(monitor); states.take() // [[monitorId, state], …]
 */
export class DirtyStates {
  private epoch = 1;
  private ids: string[] = [];
  private mons: MonitorRt[] = [];
  /** Where each slot starts in `arena`, and its length (-1: dropped, not reported). */
  private offs: number[] = [];
  private lens: number[] = [];
  /** How many times each slot's monitor was recorded this round. */
  private counts: number[] = [];
  private arena = new Float64Array(256);
  private used = 0;

  /**
   * Records m's current state in its slot of this round. A monitor recorded more than twice in a
   * round is read again at `take` instead: it changes at many facts (a busy stream's levels near
   * the price), so writing it at each is more work than one read, which finds it in cache. Twice
   * covers a crossing, true at one fact and false again at the next.
   */
  record(m: MonitorRt): void {
    let at: number;
    if (m.dirtyEpoch === this.epoch) {
      const slot = m.dirtySlot;
      const n = (this.counts[slot] as number) + 1;
      this.counts[slot] = n;
      if (n > RECORD_AT_MOST) return;
      at = this.offs[slot] as number;
    } else {
      const len = monitorStateLength(m);
      at = this.alloc(len);
      m.dirtyEpoch = this.epoch;
      m.dirtySlot = this.ids.length;
      this.ids.push(m.id);
      this.mons.push(m);
      this.offs.push(at);
      this.lens.push(len);
      this.counts.push(1);
    }
    writeMonitorState(m, this.arena, at);
  }

  /** m was removed or replaced by a newer version: its state of this round is not reported. */
  drop(m: MonitorRt): void {
    if (m.dirtyEpoch === this.epoch) this.lens[m.dirtySlot] = -1;
  }

  /** The states recorded since the last call, in the order first recorded; starts a new round. */
  take(): [monitorId: string, state: MonitorState][] {
    const out: [string, MonitorState][] = [];
    for (let i = 0; i < this.ids.length; i++) {
      const len = this.lens[i] as number;
      if (len < 0) continue;
      const at = this.offs[i] as number;
      if ((this.counts[i] as number) > RECORD_AT_MOST) writeMonitorState(this.mons[i] as MonitorRt, this.arena, at);
      out.push([this.ids[i] as string, readMonitorState(this.arena, at, len)]);
    }
    this.epoch++;
    this.ids = [];
    this.mons = [];
    this.offs = [];
    this.lens = [];
    this.counts = [];
    this.used = 0;
    return out;
  }

  private alloc(len: number): number {
    if (this.used + len > this.arena.length) {
      let cap = this.arena.length * 2;
      while (cap < this.used + len) cap *= 2;
      const next = new Float64Array(cap);
      next.set(this.arena.subarray(0, this.used));
      this.arena = next;
    }
    const at = this.used;
    this.used += len;
    return at;
  }
}
