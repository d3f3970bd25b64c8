import { createChart, type IChartApi, type ISeriesApi, LineSeries, type UTCTimestamp } from "lightweight-charts";
import { html } from "lit";
import { ref } from "lit/directives/ref.js";
import { chartOptions } from "./theme";

/**
 * Facts/s and matches/s over the last minutes (the overview). The chart is created the first time
 * lit places its host element, and keeps that element across re-renders.
 *
 * @example const c = new RateChart(600_000); c.add(Date.now(), 120, 2); html`${c.host()}`; c.dispose();
 */
export class RateChart {
  private chart: IChartApi | undefined;
  private facts: ISeriesApi<"Line"> | undefined;
  private matches: ISeriesApi<"Line"> | undefined;
  /** The samples drawn, oldest first (time in seconds): charts/chart-text.ts reads them too. */
  readonly points: { time: UTCTimestamp; facts: number; matches: number }[] = [];
  /** Whether the reader opened the rates table. */
  tableOpen = false;

  constructor(private readonly historyMs: number) {}

  add(atMs: number, factsPerS: number, matchesPerS: number): void {
    const time = Math.floor(atMs / 1000) as UTCTimestamp;
    const last = this.points[this.points.length - 1];
    if (last && last.time >= time) return;
    this.points.push({ time, facts: factsPerS, matches: matchesPerS });
    while (this.points.length && (this.points[0]?.time ?? 0) < time - this.historyMs / 1000) this.points.shift();
    this.draw();
  }

  host() {
    return html`<div class="chart small" data-points=${this.points.length} ${ref((el) => this.mount(el))}></div>`;
  }

  dispose(): void {
    this.chart?.remove();
    this.chart = undefined;
  }

  private mount(el: Element | undefined): void {
    if (!(el instanceof HTMLElement) || this.chart) return;
    this.chart = createChart(el, chartOptions({ secondsVisible: true }));
    this.facts = this.chart.addSeries(LineSeries, { color: "#2563eb", title: "facts/s", lineWidth: 2 });
    this.matches = this.chart.addSeries(LineSeries, { color: "#dc2626", title: "matches/s", lineWidth: 2 });
    this.draw();
  }

  private draw(): void {
    this.facts?.setData(this.points.map((p) => ({ time: p.time, value: p.facts })));
    this.matches?.setData(this.points.map((p) => ({ time: p.time, value: p.matches })));
    // The whole window across the width: at the library's default spacing the first minutes'
    // samples sat in a few pixels at the right edge, and the chart looked empty.
    this.chart?.timeScale().fitContent();
  }
}
