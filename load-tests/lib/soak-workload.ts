import type { MonitorInput } from "../../client/src/types";
import type { FactInput } from "../../shared/src/facts";
import { rng } from "./rng";

/**
 * `npm run soak`'s traffic, the shape of a long-lived deployment at small scale: random-walk prices
 * on steady symbols plus short-lived symbols that appear for a minute and are never seen again (a
 * delisted instrument, a feed's test symbol), a dedupeKey on every fact, and a monitor population
 * that churns (updated, removed, new ids created) around a steady size, some with a check interval
 * (the cron wakes them) and some expiring a few minutes after they are created.
 *
 * @example const w = soakWorkload({ symbols: 300, monitors: 500, workflows: 40, seed: 1 });
 */
export type SoakWorkload = {
  /** The next `n` facts (event time `now` + i ms), every one with a fresh dedupeKey. */
  nextBatch: (n: number, now: number) => FactInput[];
  /** A monitor body on a symbol currently pushed, its level near that symbol's price. */
  monitorBody: (now: number) => MonitorInput;
};

const EPHEMERAL_SHARE = 0.05;
const EPHEMERAL_PER_MINUTE = 20;

export function soakWorkload(o: { symbols: number; workflows: number; seed: number; runId: string }): SoakWorkload {
  const random = rng(o.seed);
  const price = Array.from({ length: o.symbols }, (_, i) => 100 + (i % 50));
  const ephemeral = new Map<string, number>();
  let cursor = 0;
  let seq = 0;
  let made = 0;
  const ephemeralSymbol = (now: number) =>
    `EPH-${Math.floor(now / 60_000)}-${Math.floor(random() * EPHEMERAL_PER_MINUTE)}`;
  const walk = (p: number) => Math.max(1, Math.round((p + (random() - 0.5) * 2) * 100) / 100);

  return {
    nextBatch(n, now) {
      return Array.from({ length: n }, (_, j) => {
        let symbol: string;
        let value: number;
        if (random() < EPHEMERAL_SHARE) {
          symbol = ephemeralSymbol(now);
          value = walk(ephemeral.get(symbol) ?? 100);
          ephemeral.set(symbol, value);
          if (ephemeral.size > 4 * EPHEMERAL_PER_MINUTE) ephemeral.delete(ephemeral.keys().next().value ?? "");
        } else {
          const i = cursor++ % o.symbols;
          value = walk(price[i] ?? 100);
          price[i] = value;
          symbol = `SK${i}`;
        }
        return {
          kind: "market_price",
          subject: { symbol },
          observedAt: now + j,
          dedupeKey: `soak-${o.runId}-${seq++}`,
          data: { price: value },
        } as FactInput;
      });
    },
    monitorBody(now) {
      const n = made++;
      const onEphemeral = n % 5 === 4 && ephemeral.size > 0;
      const i = Math.floor(random() * o.symbols);
      const symbol = onEphemeral ? ([...ephemeral.keys()].at(-1) ?? "SK0") : `SK${i}`;
      const level = Math.round(onEphemeral ? (ephemeral.get(symbol) ?? 100) : (price[i] ?? 100));
      return {
        workflowId: `wf-soak-${n % o.workflows}`,
        ownerUserId: `u-soak-${n % 17}`,
        linkedPortfolioIds: [`pf-soak-${n % 13}`],
        predicate: {
          all: [
            {
              stream: { kind: "market_price", subject: { symbol } },
              field: "price",
              op: n % 2 === 0 ? "crosses_above" : "crosses_below",
              value: level,
            },
          ],
        },
        fire: { mode: "edge" },
        ...(n % 20 === 0 ? { checkIntervalMs: 60_000 } : {}),
        ...(n % 20 === 1 ? { expiresAt: now + 3 * 60_000 } : {}),
      } as MonitorInput;
    },
  };
}
