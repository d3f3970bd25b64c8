import type { Op } from "../../src/engine/types";
import { cond, monitor, price } from "./example-ops";

/**
 * The restart tests' scenario (restart-after-prune, restart-first-indicator-format): four monitors on
 * ema, rsi, sma and a Bollinger band of one series, and twelve values played twice, so the second
 * half runs after a restart whose checkpoint holds what the first half built.
 */
const ind = {
  ema: { kind: "ema", samples: 3 },
  rsi: { kind: "rsi", samples: 3 },
  sma: { kind: "sma", samples: 3 },
  upper: { kind: "bollinger_upper", samples: 3, k: 1 },
} as const;

export const MONITORS: Op[] = [
  monitor(cond("crosses_above", 4, { indicator: ind.ema }), {}, { monitorId: "ema" }),
  monitor(cond("crosses_below", 40, { indicator: ind.rsi }), {}, { monitorId: "rsi" }),
  monitor(cond("crosses_above", 4, { indicator: ind.sma }), {}, { monitorId: "sma" }),
  monitor(cond("crosses_above", { field: "price", indicator: ind.upper }), {}, { monitorId: "band" }),
];

export const VALUES = [1, 3, 6, 2, 7, 4, 1, 5, 7, 2, 6, 3];

/** VALUES twice, a second apart: the first half before the restart, the second after. */
export const FACTS = [...VALUES, ...VALUES].map((v, i) => price(v, 1_000_000 + 1000 * i, `f${i}`));

/** When the second half starts. */
export const SECOND_HALF_AT = 1_000_000 + 1000 * VALUES.length;
