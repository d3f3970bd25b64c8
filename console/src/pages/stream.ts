import { html } from "lit";
import type { FactKind } from "../../../shared/src/facts";
import { streamChartText } from "../charts/chart-text";
import { StreamChart } from "../charts/stream-chart";
import { fabric } from "../fabric";
import { CAPS, streamFacts } from "../monitor-data";
import type { Monitor, StreamRead } from "../types";
import { count, errorBox, maybeError, monitorHref, type Page, rerender, statusBadge, time } from "../ui";

/** Monitors listed on a stream's page; the monitors page's stream filter lists every one. */
const MONITOR_ROWS = 100;

/**
 * One stream's page (`#/streams/<key>`): what the streams list says of it (stored facts, the event
 * time they span), a chart of its newest facts (the monitor page's chart, read newest first up to
 * the same cap), and the monitors that read it, each linked to its own page.
 */
export function streamPage(key: string): Page {
  let stream: StreamRead | null | undefined;
  let chart: StreamChart | undefined;
  let monitors: Monitor[] = [];
  let moreMonitors = false;
  let error: unknown;
  let stopped = false;

  async function load(): Promise<void> {
    stream = await findStream(key);
    rerender();
    if (!stream || stopped) return;
    const ref = { kind: stream.kind, subject: stream.subject };
    const [fields, page] = await Promise.all([
      fieldsOf(stream),
      fabric.monitors.page({ stream: key, pageSize: MONITOR_ROWS }),
    ]);
    monitors = page.monitors;
    moreMonitors = page.nextCursor !== null;
    if (stopped) return;
    const c = new StreamChart(ref, key, fields, []);
    chart = c;
    rerender();
    const facts = await streamFacts(ref, (soFar) => c.setFacts(soFar));
    c.setFacts(facts, facts.length >= CAPS.facts);
    rerender();
  }
  load().catch((err: unknown) => {
    error = err;
    rerender();
  });

  return {
    stop() {
      stopped = true;
      chart?.dispose();
    },
    view() {
      // One h1 element from loading to loaded: the route's focus (main.ts) stays on it.
      return html`<h1 class="stream-title">${key}</h1>
        ${
          stream
            ? body(stream)
            : error !== undefined
              ? errorBox(error)
              : stream === null
                ? html`<p class="notice" data-empty>The fabric holds no fact of ${key}. The <a href="#/streams">streams list</a> finds a stream by part of its subject.</p>`
                : html`<p class="muted">Loading…</p>`
        }`;
    },
  };

  function body(s: StreamRead) {
    const c = chart;
    return html`${maybeError(error)}
      <section class="card">
        <h2>Stream</h2>
        <dl class="facts">
          <dt>kind</dt><dd>${s.kind}</dd>
          ${Object.entries(s.subject).map(([k, v]) => html`<dt>${k}</dt><dd data-field=${k}>${v}</dd>`)}
          <dt>facts</dt><dd data-field="facts">${count(s.facts)} stored</dd>
          <dt>observed</dt><dd>${time(s.firstObservedAt)} to ${time(s.lastObservedAt)}</dd>
        </dl>
      </section>
      <section class="card">
        <h2>Facts${c?.truncated ? html` <small class="muted">(the newest ${count(c.facts.length)})</small>` : ""}</h2>
        ${c ? html`${c.host()}${streamChartText(c)}` : html`<p class="muted">Loading…</p>`}
      </section>
      <section class="card" data-monitors>
        <h2>Monitors reading it <small class="muted">(${count(s.monitors)})</small></h2>
        ${
          monitors.length === 0
            ? html`<p class="muted">${s.monitors === 0 ? "No monitor reads this stream." : "Loading…"}</p>`
            : html`<ul class="stream-monitors">${monitors.map(
                (m) => html`<li data-monitor=${m.monitorId}><a href=${monitorHref(m.monitorId)}>${m.monitorId}</a>
                  ${statusBadge(m)} <span class="muted">${m.workflowId}</span></li>`,
              )}</ul>`
        }
        ${moreMonitors ? html`<p class="muted">The first ${MONITOR_ROWS}: the <a href="#/monitors">monitors page</a> filters by stream ${key}.</p>` : ""}
      </section>`;
  }
}

/** The stream as the list shows it, or null when no shard holds it (its key holds its kind before the colon). */
async function findStream(key: string): Promise<StreamRead | null> {
  const kind = key.slice(0, Math.max(0, key.indexOf(":")));
  for await (const s of fabric.streams.list({ kind: kind as FactKind, q: key, pageSize: 100 })) {
    if (s.streamKey === key) return s;
  }
  return null;
}

/** The fields to draw: the kind's number, or the metrics the stream's newest fact names (up to four). */
async function fieldsOf(s: StreamRead): Promise<string[]> {
  if (s.kind === "market_price") return ["price"];
  if (s.kind === "market_candles") return ["close"];
  if (s.kind !== "portfolio_held_asset_metrics") return ["value"];
  for await (const f of fabric.streams.facts(s.kind, s.subject as never, { pageSize: 1, order: "desc" })) {
    return Object.keys((f.data.metrics as Record<string, number> | undefined) ?? {})
      .slice(0, 4)
      .map((name) => `metrics.${name}`);
  }
  return [];
}
