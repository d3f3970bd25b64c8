import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Charts the benches draw themselves, as plain SVG (no libraries, no hand drawing).
 *
 * @example latencyHistogramSvg("load-tests/results/e2e-latency.svg", latencies, "title")
 */
const W = 640;
const H = 360;
const M = { l: 60, r: 20, t: 40, b: 50 };

function svg(title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>
${body}
</svg>
`;
}

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A histogram of latencies in ms, with p50 and p99 marked. */
export function latencyHistogramSvg(path: string, latencies: number[], title: string): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const max = Math.max(1, sorted.at(-1) ?? 1);
  const bins = 40;
  const width = max / bins;
  const counts = Array.from({ length: bins }, () => 0);
  for (const v of sorted)
    counts[Math.min(bins - 1, Math.floor(v / width))] = (counts[Math.min(bins - 1, Math.floor(v / width))] ?? 0) + 1;
  const top = Math.max(1, ...counts);
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const x = (v: number) => M.l + (v / max) * pw;
  const bars = counts
    .map((c, i) => {
      const h = (c / top) * ph;
      return `<rect x="${x(i * width).toFixed(1)}" y="${(M.t + ph - h).toFixed(1)}" width="${Math.max(1, pw / bins - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#4a7bd0"/>`;
    })
    .join("\n");
  const mark = (p: number, color: string) => {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
    return `<line x1="${x(v)}" x2="${x(v)}" y1="${M.t}" y2="${M.t + ph}" stroke="${color}" stroke-dasharray="4 3"/><text x="${x(v) + 4}" y="${M.t + 12}" fill="${color}">p${p} ${v} ms</text>`;
  };
  const axes = `<line x1="${M.l}" y1="${M.t + ph}" x2="${M.l + pw}" y2="${M.t + ph}" stroke="black"/>
<text x="${M.l}" y="${H - 20}">0</text><text x="${M.l + pw}" y="${H - 20}" text-anchor="end">${max} ms</text>
<text x="${M.l - 8}" y="${M.t + 10}" text-anchor="end">${top}</text><text x="${W / 2}" y="${H - 8}" text-anchor="middle">latency (ms); ${sorted.length} matches</text>`;
  write(path, svg(title, `${bars}\n${axes}\n${mark(50, "#2a8a2a")}\n${mark(99, "#c03030")}`));
}
