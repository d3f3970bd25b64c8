import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  LineSeries,
  LineStyle,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import { html } from "lit";
import { ref } from "lit/directives/ref.js";
import { fieldValue } from "../predicate-view";
import type { StoredFact, StreamRef } from "../types";
import { chartOptions } from "./theme";

/** A level a condition compares against, drawn as a horizontal line (two make a band). */
export type Level = { price: number; title: string };

const COLORS = ["#2563eb", "#7c3aed", "#0891b2", "#16a34a"];
const toTime = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

/**
 * One stream a monitor reads, on a chart: a line per field it compares (candles for
 * `market_candles`), its threshold or band lines, a marker at every match (arrow up, red) and at
 * every place a previewed definition would fire (circle, amber). The host element carries
 * `data-markers` and `data-preview-markers` (the counts the markers plugin holds), `data-points`,
 * `data-last-observed-at` and `data-truncated` (the newest facts only), for tests and for anyone
 * reading the DOM.
 *
 * @example const c = new StreamChart(stream, ["price"], [{ price: 100000, title: "crosses_above" }]);
 * html`${c.host()}`; c.setFacts(facts); c.setMatches([factTimeMs]);
 */
export class StreamChart {
  private el: HTMLElement | undefined;
  private chart: IChartApi | undefined;
  private series: ISeriesApi<"Line" | "Candlestick">[] = [];
  private markers: ISeriesMarkersPluginApi<Time> | undefined;
  facts: readonly StoredFact[] = [];
  /** Event times (ms) of the matches and of the preview's would-fire points, as marked. */
  matches: readonly number[] = [];
  preview: readonly number[] = [];
  /** Whether the reader opened the chart's table (charts/chart-text.ts draws it only then). */
  tableOpen = false;
  /** Whether the stream holds older facts than the chart has (set with the facts). */
  truncated = false;
  /** The view is fitted to the data once; later pages and redraws keep the reader's zoom and pan. */
  private fitted = false;

  constructor(
    readonly stream: StreamRef,
    readonly key: string,
    readonly fields: string[],
    readonly levels: Level[],
  ) {}

  host() {
    return html`<div class="chart" data-stream=${this.key} ${ref((el) => this.mount(el))}></div>`;
  }

  /** `truncated`: the stream holds older facts than these (the chart says it shows the newest). */
  setFacts(facts: StoredFact[], truncated = false): void {
    this.facts = facts;
    this.truncated = truncated;
    this.draw();
  }

  setMatches(observedAtMs: number[]): void {
    this.matches = observedAtMs;
    this.drawMarkers();
  }

  setPreview(observedAtMs: number[]): void {
    this.preview = observedAtMs;
    this.drawMarkers();
  }

  dispose(): void {
    this.chart?.remove();
    this.chart = undefined;
  }

  private mount(el: Element | undefined): void {
    if (!(el instanceof HTMLElement) || this.chart) return;
    this.el = el;
    this.chart = createChart(el, chartOptions());
    if (this.stream.kind === "market_candles") {
      this.series = [this.chart.addSeries(CandlestickSeries, { title: this.key })];
    } else {
      this.series = this.fields.map((f, i) =>
        this.chart?.addSeries(LineSeries, { color: COLORS[i % COLORS.length], title: f, lineWidth: 2 }),
      ) as ISeriesApi<"Line">[];
    }
    const main = this.series[0];
    if (!main) return;
    for (const level of this.levels) {
      main.createPriceLine({
        price: level.price,
        color: "#c2410c",
        lineWidth: 1,
        lineStyle: LineStyle.Dashed,
        axisLabelVisible: true,
        title: level.title,
      });
    }
    this.markers = createSeriesMarkers(main, []);
    this.draw();
  }

  private draw(): void {
    if (!this.chart) return;
    if (this.stream.kind === "market_candles") {
      this.series[0]?.setData(this.candles());
    } else {
      this.fields.forEach((field, i) => {
        this.series[i]?.setData(this.points(field));
      });
    }
    this.drawMarkers();
    if (this.el) {
      this.el.dataset.points = String(this.facts.length);
      this.el.dataset.lastObservedAt = String(this.facts.at(-1)?.observedAt ?? "");
      this.el.dataset.truncated = String(this.truncated);
      this.el.title = this.truncated
        ? `The newest ${this.facts.length.toLocaleString("en-US")} facts of the stream`
        : "";
    }
    if (!this.fitted && this.facts.length > 0) {
      this.chart.timeScale().fitContent();
      this.fitted = true;
    }
  }

  /** One point per second (the chart's resolution), the last fact of that second winning. */
  private points(field: string): { time: UTCTimestamp; value: number }[] {
    const out: { time: UTCTimestamp; value: number }[] = [];
    for (const f of this.facts) {
      const value = fieldValue(f.kind, f.data, field);
      if (value === null) continue;
      const time = toTime(f.observedAt);
      const last = out[out.length - 1];
      if (last && last.time >= time) {
        if (last.time === time) last.value = value;
        continue;
      }
      out.push({ time, value });
    }
    return out;
  }

  private candles() {
    const out: { time: UTCTimestamp; open: number; high: number; low: number; close: number }[] = [];
    for (const f of this.facts) {
      const [open, high, low, close] = ["open", "high", "low", "close"].map((k) => fieldValue(f.kind, f.data, k));
      if (open == null || high == null || low == null || close == null) continue;
      const time = toTime(f.observedAt);
      const last = out[out.length - 1];
      if (last && last.time >= time) continue;
      out.push({ time, open, high, low, close });
    }
    return out;
  }

  private drawMarkers(): void {
    if (!this.markers || !this.el) return;
    const list: SeriesMarker<Time>[] = [
      ...this.matches.map((ms, i) => ({
        id: `match-${i}`,
        time: toTime(ms),
        position: "aboveBar" as const,
        shape: "arrowDown" as const,
        color: "#dc2626",
      })),
      ...this.preview.map((ms, i) => ({
        id: `preview-${i}`,
        time: toTime(ms),
        position: "belowBar" as const,
        shape: "circle" as const,
        color: "#b45309",
      })),
    ].sort((a, b) => a.time - b.time);
    this.markers.setMarkers(list);
    const held = this.markers.markers();
    this.el.dataset.markers = String(held.filter((m) => m.id?.startsWith("match-")).length);
    this.el.dataset.previewMarkers = String(held.filter((m) => m.id?.startsWith("preview-")).length);
  }
}
