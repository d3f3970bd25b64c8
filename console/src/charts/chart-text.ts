import { html, nothing } from "lit";
import { fieldValue } from "../predicate-view";
import { rerender, time } from "../ui";
import type { RateChart } from "./rate-chart";
import type { StreamChart } from "./stream-chart";

/**
 * What a chart shows, as text, for anyone who cannot see the canvas (a screen reader, a zoomed
 * window): a one-paragraph summary under the chart, and its newest points as a table behind a
 * disclosure (drawn only while open, so 20,000 facts never become 20,000 rows).
 *
 * @example html`${c.host()}${streamChartText(c)}`;
 */
export const TABLE_ROWS = 50;

const num = (v: number) => v.toLocaleString("en-US", { maximumFractionDigits: 2 });
const plural = (n: number, one: string, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;

/** The summary of one stream: its span, each field's range and last value, its levels and marks. */
export function streamSummary(c: StreamChart): string {
  const facts = c.facts;
  const first = facts[0];
  const last = facts.at(-1);
  if (!first || !last) return `No facts on ${c.key} yet.`;
  const fields = c.stream.kind === "market_candles" ? ["close"] : c.fields;
  const ranges = fields.map((field) => {
    const values = facts.map((f) => fieldValue(f.kind, f.data, field)).filter((v): v is number => v !== null);
    const lastValue = values.at(-1);
    if (lastValue === undefined) return `${field}: no value`;
    return `${field} from ${num(Math.min(...values))} to ${num(Math.max(...values))}, last ${num(lastValue)}`;
  });
  const levels = c.levels.map((l) => `${l.title} ${num(l.price)}`);
  return [
    `${plural(facts.length, "fact")} from ${time(first.observedAt)} to ${time(last.observedAt)}${c.truncated ? " (the newest only)" : ""}`,
    ...ranges,
    ...(levels.length ? [`thresholds: ${levels.join(", ")}`] : []),
    `${plural(c.matches.length, "match", "matches")} marked`,
    ...(c.preview.length ? [`${plural(c.preview.length, "point")} where the preview would fire`] : []),
  ].join("; ");
}

function disclosure(label: string, target: { tableOpen: boolean }, table: () => unknown) {
  const toggle = (e: Event) => {
    target.tableOpen = (e.currentTarget as HTMLDetailsElement).open;
    rerender();
  };
  return html`<details class="chart-table" @toggle=${toggle}><summary>${label}</summary>
    ${target.tableOpen ? table() : nothing}</details>`;
}

/** The stream chart's text alternative: its summary, then its newest facts with a column per field. */
export function streamChartText(c: StreamChart) {
  const fields = c.stream.kind === "market_candles" ? ["open", "high", "low", "close"] : c.fields;
  const table = () => {
    const matched = new Set(c.matches);
    const previewed = new Set(c.preview);
    const rows = c.facts.slice(-TABLE_ROWS).reverse();
    return html`<div class="scroll"><table>
      <caption class="sr-only">The newest ${rows.length} facts of ${c.key}, newest first</caption>
      <thead><tr><th scope="col">observed</th>${fields.map((f) => html`<th scope="col">${f}</th>`)}<th scope="col">marks</th></tr></thead>
      <tbody>${rows.map((f) => {
        const marks = [
          matched.has(f.observedAt) ? "match" : "",
          previewed.has(f.observedAt) ? "preview would fire" : "",
        ];
        return html`<tr><td>${time(f.observedAt)}</td>${fields.map((field) => {
          const v = fieldValue(f.kind, f.data, field);
          return html`<td>${v === null ? "–" : num(v)}</td>`;
        })}<td>${marks.filter(Boolean).join(", ")}</td></tr>`;
      })}</tbody></table></div>`;
  };
  return html`<p class="chart-summary" data-chart-summary>${streamSummary(c)}</p>
    ${c.facts.length ? disclosure(`The newest ${Math.min(TABLE_ROWS, c.facts.length)} facts as a table`, c, table) : nothing}`;
}

/** The rates chart's text alternative: the latest and highest rates, and each sample as a row. */
export function rateChartText(c: RateChart) {
  const last = c.points.at(-1);
  const summary = last
    ? `Latest: ${num(last.facts)} facts/s and ${num(last.matches)} matches/s; highest shown: ${num(
        Math.max(...c.points.map((p) => p.facts)),
      )} facts/s and ${num(Math.max(...c.points.map((p) => p.matches)))} matches/s.`
    : "Rates appear after the second reading of the stats.";
  const table = () =>
    html`<div class="scroll"><table>
      <caption class="sr-only">Facts and matches per second, newest first</caption>
      <thead><tr><th scope="col">at</th><th scope="col">facts/s</th><th scope="col">matches/s</th></tr></thead>
      <tbody>${[...c.points]
        .reverse()
        .map(
          (p) => html`<tr><td>${time(p.time * 1000)}</td><td>${num(p.facts)}</td><td>${num(p.matches)}</td></tr>`,
        )}</tbody></table></div>`;
  return html`<p class="chart-summary" data-chart-summary>${summary}</p>
    ${c.points.length ? disclosure("The rates as a table", c, table) : nothing}`;
}
