import type { Match } from "./types";

/**
 * The matches a monitor's page holds: the newest `cap` of them in event-time order, each once (by
 * matchId). A monitor that fires 100 times a second for an hour would otherwise grow the page
 * without bound; the older ones stay readable through the API. `add` is cheap when matches
 * arrive in order (the live stream's usual case): no copy or sort of what is already held.
 *
 * @example const w = new MatchWindow(5000); w.add(page); w.add([live]); w.newest(100);
 */
export class MatchWindow {
  private items: Match[] = [];
  private readonly ids = new Set<string>();
  /** How many distinct matches were ever added, dropped ones included. */
  seen = 0;

  constructor(private readonly cap: number) {}

  /** Adds the matches not held yet; false when none was new. */
  add(found: readonly Match[]): boolean {
    const fresh = found.filter((m) => !this.ids.has(m.matchId));
    if (fresh.length === 0) return false;
    for (const m of fresh) this.ids.add(m.matchId);
    this.seen += fresh.length;
    const last = this.items.at(-1);
    fresh.sort(byTime);
    const first = fresh[0];
    if (last && first && byTime(last, first) > 0) this.items = [...this.items, ...fresh].sort(byTime);
    else this.items.push(...fresh);
    const over = this.items.length - this.cap;
    if (over > 0) for (const m of this.items.splice(0, over)) this.ids.delete(m.matchId);
    return true;
  }

  /** Every held match, oldest first. */
  all(): readonly Match[] {
    return this.items;
  }

  /** The newest `n`, newest first (the table's order). */
  newest(n: number): Match[] {
    return this.items.slice(-n).reverse();
  }

  get size(): number {
    return this.items.length;
  }
}

function byTime(a: Match, b: Match): number {
  return a.observedAt - b.observedAt || (a.matchId < b.matchId ? -1 : a.matchId > b.matchId ? 1 : 0);
}
