import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Charts the benches draw themselves, as plain SVG (no libraries, no hand drawing).
 *
 * @example latencyHistogramSvg("load-tests/results/e2e-latency.svg", latencies, "title")
 * @example throughputChartSvg("load-tests/results/matcher-throughput.svg", [{ name, color, points }])
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

export type Series = { name: string; color: string; points: [number, number][] };

/** bench:matcher's chart: throughput (log y) against monitor count (log x), one line per series. */
export function throughputChartSvg(path: string, series: Series[]): void {
  const TW = 760;
  const TH = 440;
  const m = { l: 80, r: 190, t: 40, b: 60 };
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => y > 0);
  const x0 = Math.floor(Math.log10(Math.min(...xs)));
  const x1 = Math.ceil(Math.log10(Math.max(...xs)));
  const y0 = Math.floor(Math.log10(Math.min(...ys)));
  const y1 = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x: number) => m.l + ((Math.log10(x) - x0) / Math.max(1, x1 - x0)) * (TW - m.l - m.r);
  const py = (y: number) => TH - m.b - ((Math.log10(y) - y0) / Math.max(1, y1 - y0)) * (TH - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${TW}" height="${TH}" font-family="sans-serif" font-size="12">`,
    `<rect width="${TW}" height="${TH}" fill="white"/>`,
    `<text x="${m.l}" y="22" font-size="15">Matcher throughput (facts/s, one core) vs monitors</text>`,
  ];
  for (let e = x0; e <= x1; e++) {
    const x = px(10 ** e);
    parts.push(`<line x1="${x}" y1="${m.t}" x2="${x}" y2="${TH - m.b}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${TH - m.b + 18}" text-anchor="middle">1e${e}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    parts.push(`<line x1="${m.l}" y1="${y}" x2="${TW - m.r}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.l - 8}" y="${y + 4}" text-anchor="end">1e${e}</text>`);
  }
  parts.push(`<text x="${(TW - m.r + m.l) / 2}" y="${TH - 18}" text-anchor="middle">monitors (log)</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => p[1] > 0);
    const line = pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${line}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${px(p[0])}" cy="${py(p[1])}" r="4" fill="${s.color}"/>`);
    const ly = m.t + 10 + i * 20;
    parts.push(`<rect x="${TW - m.r + 16}" y="${ly - 9}" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${TW - m.r + 34}" y="${ly + 2}">${s.name}</text>`);
  });
  parts.push("</svg>");
  write(path, parts.join("\n"));
}
