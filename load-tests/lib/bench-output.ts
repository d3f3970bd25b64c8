import { mkdirSync, writeFileSync } from "node:fs";

/**
 * One output form for every bench: a table with the baseline or target and the ratio beside each
 * figure, the same rows in load-tests/results/<bench>.json, and one JSON line at the very end.
 *
 * @example reportBench("ingest", { title, rows: [{ metric: "facts/s", value: 21000, target: ">= 20000", ratio: 1.05 }], summary });
 */
export type BenchRow = {
  metric: string;
  value: number | string;
  target?: string;
  baseline?: number | string;
  ratio?: number;
};

export function reportBench(
  bench: string,
  report: { title: string; rows: BenchRow[]; summary?: Record<string, unknown> },
): void {
  // Three decimals, or three significant digits below 0.1 (0.00039 matches per fact is not 0.000).
  const fmt = (v: unknown) =>
    typeof v !== "number"
      ? String(v ?? "")
      : Number.isInteger(v)
        ? v.toLocaleString("en-US")
        : Math.abs(v) < 0.1
          ? v.toPrecision(3)
          : v.toFixed(3);
  const table = report.rows.map((r) => [
    r.metric,
    fmt(r.value),
    r.baseline === undefined ? "" : fmt(r.baseline),
    r.target ?? "",
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x`,
  ]);
  const head = ["metric", "value", "baseline", "target", "ratio"];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => String(row[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(`\n${bench}: ${report.title}`);
  console.log(line(head));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of table) console.log(line(row.map(String)));
  const out = {
    bench,
    title: report.title,
    measuredAt: new Date().toISOString(),
    rows: report.rows,
    ...report.summary,
  };
  mkdirSync("load-tests/results", { recursive: true });
  writeFileSync(`load-tests/results/${bench}.json`, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out));
}
