import type { BenchRow } from "./bench-output";
import type { IndexedResult, SizeResult } from "./matcher-measures";

/** Numbers as bench:matcher prints them: grouped thousands, fixed digits, "-" for none. */
export const fmt = (x: number | null, digits = 0) =>
  x === null ? "-" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * bench:matcher's report rows: per size the engine against its target and the bare loop, heap per
 * monitor and the reference's speed-up; then the growth from the smallest size to the largest,
 * the two runs that take that growth apart (`dense`: the largest size's density on one stream;
 * `quiet`: the largest size with only the smallest size's monitors able to match), and
 * json-rules-engine at 1,000 rules.
 *
 * @example reportBench("matcher", { title, rows: matcherRows(results, dense, quiet, jre) })
 */
export function matcherRows(
  results: SizeResult[],
  dense: IndexedResult | undefined,
  quiet: IndexedResult | undefined,
  jsonRulesEngine: number,
): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const r of results) {
    const k = fmt(r.monitors);
    const target = r.monitors === 100_000 ? ">= 1,000,000" : undefined;
    rows.push({
      metric: `indexed facts/s @ ${k} monitors`,
      value: Math.round(r.indexedFactsPerSec),
      ...(target ? { target, ratio: r.indexedFactsPerSec / 1e6 } : {}),
    });
    rows.push({
      metric: `indexed µs/fact @ ${k} (baseline: bare loop)`,
      value: r.indexedUsPerFact,
      baseline: r.bareUsPerFact,
      ratio: r.indexedUsPerFact / r.bareUsPerFact,
    });
    rows.push({ metric: `matches/fact @ ${k}`, value: r.matchesPerFact });
    rows.push({
      metric: `heap bytes/monitor @ ${k}`,
      value: Math.round(r.bytesPerMonitor),
      target: "< 300",
      ratio: r.bytesPerMonitor / 300,
    });
    if (r.referenceFactsPerSec !== null) {
      rows.push({
        metric: `reference facts/s @ ${k} (ratio: indexed speed-up)`,
        value: Math.round(r.referenceFactsPerSec),
        ratio: r.indexedFactsPerSec / r.referenceFactsPerSec,
      });
    }
  }
  const first = results[0];
  const last = results[results.length - 1];
  if (first && last && last !== first) {
    // Against a target the ratio reads "≥ 1 is met" (load-tests/README.md): target ÷ value for a ceiling.
    const growth = last.indexedUsPerFact / first.indexedUsPerFact;
    rows.push({
      metric: `cost growth µs/fact ${fmt(first.monitors)} → ${fmt(last.monitors)}`,
      value: growth,
      target: "< 3",
      ratio: 3 / growth,
    });
  }
  if (first && last && dense) {
    const where = `${fmt(dense.monitors)} monitors on 1 stream (${fmt(last.monitors)}'s density; ratio: growth from ${fmt(first.monitors)})`;
    rows.push({
      metric: `indexed µs/fact, ${where}`,
      value: dense.indexedUsPerFact,
      ratio: dense.indexedUsPerFact / first.indexedUsPerFact,
    });
    rows.push({ metric: `matches/fact, ${fmt(dense.monitors)} monitors on 1 stream`, value: dense.matchesPerFact });
  }
  if (first && last && quiet) {
    const where = `${fmt(last.monitors)} monitors of which ${fmt(first.monitors)} can match`;
    rows.push({
      metric: `indexed µs/fact, ${where} (${fmt(first.monitors)}'s matches/fact; ratio: growth from ${fmt(first.monitors)})`,
      value: quiet.indexedUsPerFact,
      ratio: quiet.indexedUsPerFact / first.indexedUsPerFact,
    });
    rows.push({ metric: `matches/fact, ${where}`, value: quiet.matchesPerFact });
  }
  const k1 = results.find((r) => r.monitors === 1000);
  rows.push({ metric: "json-rules-engine facts/s @ 1,000 rules", value: Math.round(jsonRulesEngine) });
  if (k1) {
    const speedUp = k1.indexedFactsPerSec / jsonRulesEngine;
    rows.push({
      metric: "indexed / json-rules-engine @ 1,000 (speed-up)",
      value: Math.round(speedUp),
      target: ">= 10,000",
      ratio: speedUp / 10_000,
    });
  }
  return rows;
}

/**
 * The indicator mix (10 % indicator, 5 % relative monitors) beside the same run's constant-only
 * mix at the same size, with issue 23's targets: facts/s, the slowdown, heap per monitor.
 *
 * @example rows.push(...indicatorMixRows(mixed, constant))
 */
export function indicatorMixRows(mixed: IndexedResult, constant: IndexedResult): BenchRow[] {
  const k = fmt(mixed.monitors);
  return [
    {
      metric: `indicator mix facts/s @ ${k} (baseline: constant-only mix)`,
      value: Math.round(mixed.indexedFactsPerSec),
      baseline: Math.round(constant.indexedFactsPerSec),
      target: ">= 1,000,000",
      ratio: mixed.indexedFactsPerSec / 1e6,
    },
    {
      metric: `indicator mix slowdown vs constant-only @ ${k}`,
      value: constant.indexedFactsPerSec / mixed.indexedFactsPerSec,
      target: "<= 1.5",
      ratio: (1.5 * mixed.indexedFactsPerSec) / constant.indexedFactsPerSec,
    },
    {
      metric: `indicator mix heap bytes/monitor @ ${k}`,
      value: Math.round(mixed.bytesPerMonitor),
      target: "< 300",
      ratio: mixed.bytesPerMonitor / 300,
    },
  ];
}
