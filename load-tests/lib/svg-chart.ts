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

/** Throughput against a log-scaled x axis (e.g. facts/s vs monitor count), one line per series. */
export function logLineChartSvg(
  path: string,
  title: string,
  series: { name: string; points: [number, number][] }[],
  xLabel: string,
  yLabel: string,
): void {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const [y0, y1] = [Math.log10(Math.max(1, Math.min(...ys) / 2)), Math.log10(Math.max(...ys) * 2)];
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const px = (v: number) => M.l + ((Math.log10(v) - x0) / Math.max(1e-9, x1 - x0)) * pw;
  const py = (v: number) => M.t + ph - ((Math.log10(Math.max(1, v)) - y0) / Math.max(1e-9, y1 - y0)) * ph;
  const colors = ["#4a7bd0", "#c03030", "#2a8a2a", "#b07a10", "#7a3ab0"];
  const lines = series
    .map((s, i) => {
      const c = colors[i % colors.length];
      const pts = s.points.map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(" ");
      const dots = s.points
        .map(([a, b]) => `<circle cx="${px(a).toFixed(1)}" cy="${py(b).toFixed(1)}" r="3" fill="${c}"/>`)
        .join("");
      return `<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2"/>${dots}<text x="${W - M.r - 150}" y="${M.t + 16 * (i + 1)}" fill="${c}">${s.name}</text>`;
    })
    .join("\n");
  const ticks = [...new Set(xs)]
    .map((v) => `<text x="${px(v)}" y="${M.t + ph + 16}" text-anchor="middle">${v.toLocaleString("en-US")}</text>`)
    .join("");
  const yt = Array.from({ length: Math.floor(y1) - Math.ceil(y0) + 1 }, (_, i) => Math.ceil(y0) + i)
    .map(
      (e) =>
        `<text x="${M.l - 6}" y="${py(10 ** e) + 4}" text-anchor="end">1e${e}</text><line x1="${M.l}" x2="${M.l + pw}" y1="${py(10 ** e)}" y2="${py(10 ** e)}" stroke="#eee"/>`,
    )
    .join("");
  const axes = `<line x1="${M.l}" y1="${M.t + ph}" x2="${M.l + pw}" y2="${M.t + ph}" stroke="black"/><line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${M.t + ph}" stroke="black"/>
<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${xLabel}</text><text x="14" y="${M.t + ph / 2}" transform="rotate(-90 14 ${M.t + ph / 2})" text-anchor="middle">${yLabel}</text>`;
  write(path, svg(title, `${yt}\n${lines}\n${ticks}\n${axes}`));
}
