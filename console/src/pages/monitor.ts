import { html } from "lit";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import { newMatches } from "../announce";
import { streamChartText } from "../charts/chart-text";
import { type Level, StreamChart } from "../charts/stream-chart";
import { explainLanes } from "../explain-lanes";
import { followMatches, type LiveMode, liveLabel } from "../live-matches";
import { MatchWindow } from "../match-window";
import { CAPS, type ExplainResult, explainAll, newestMatches, readMonitor, streamFacts } from "../monitor-data";
import { conditionsOf, levelsOf, streamKeyOf, streamsOf } from "../predicate-view";
import type { Match, Monitor } from "../types";
import { count, errorBox, maybeError, type Page, rerender, statusBadge, time } from "../ui";
import { MonitorEditor } from "./monitor-edit";

/** The table shows the newest matches only: thousands of rows would make every render slow. */
const TABLE_ROWS = 100;
/** Live matches are drawn in batches: a monitor firing 100 times a second is ~4 redraws a second. */
const LIVE_FLUSH_MS = 250;

/**
 * A monitor's page: its definition and state, a chart of each stream it reads (threshold or band
 * lines, a marker at every match), the matches table (kept current by the live match stream),
 * the explain timeline, and the editor (preview where an edited definition would fire, then save;
 * enable, disable, delete), whose buttons a read-only token never sees.
 */
export function monitorPage(monitorId: string): Page {
  let monitor: Monitor | undefined;
  let error: unknown;
  let charts: StreamChart[] = [];
  let matches = new MatchWindow(CAPS.matches);
  let liveBuffer: Match[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let explain: ExplainResult | undefined;
  let explainError: unknown;
  let selected: number | undefined;
  let liveMode: LiveMode = "connecting";
  let live: ReturnType<typeof followMatches> | undefined;
  const editor = new MonitorEditor(
    monitorId,
    () => load(),
    (times) => previewOn(times),
  );

  const chartFor = (m: Match) => {
    const key = m.triggerEvent ? streamKeyOf(m.triggerEvent) : undefined;
    return charts.find((c) => c.key === key) ?? charts[0];
  };
  const drawMatches = () => {
    const held = matches.all();
    for (const c of charts) c.setMatches(held.filter((m) => chartFor(m) === c).map((m) => m.observedAt));
  };
  function previewOn(rows: ExplainRow[]) {
    for (const c of charts)
      c.setPreview(
        rows.filter((r) => (charts.find((x) => x.key === r.streamKey) ?? charts[0]) === c).map((r) => r.observedAt),
      );
  }

  async function load(): Promise<void> {
    live?.stop();
    for (const c of charts) c.dispose();
    charts = [];
    monitor = await readMonitor(monitorId);
    editor.setMonitor(monitor);
    const leaves = conditionsOf(monitor.predicate);
    charts = streamsOf(monitor.predicate).map((s) => {
      const levels: Level[] = leaves
        .filter((l) => streamKeyOf(l.condition.stream) === s.key)
        .flatMap((l) => levelsOf(l.condition).map((price) => ({ price, title: `${l.condition.op}` })));
      return new StreamChart(s.stream, s.key, s.fields, levels);
    });
    rerender();
    // The live stream opens first and the list is read after it holds its starting position, so a
    // match recorded in between arrives by one or the other (or both: kept once by matchId).
    const add = (found: Match[]) => {
      if (!matches.add(found)) return;
      drawMatches();
      rerender();
    };
    const flushLive = () => {
      flushTimer = undefined;
      const batch = liveBuffer;
      liveBuffer = [];
      const before = matches.seen;
      add(batch);
      newMatches(matches.seen - before);
    };
    matches = new MatchWindow(CAPS.matches);
    live = followMatches(
      monitorId,
      undefined,
      (m) => {
        liveBuffer.push(m);
        flushTimer ??= setTimeout(flushLive, LIVE_FLUSH_MS);
      },
      (mode) => {
        liveMode = mode;
        rerender();
      },
    );
    await live.opened;
    const [facts, found] = await Promise.all([
      Promise.all(charts.map((c) => streamFacts(c.stream, (soFar) => c.setFacts(soFar)))),
      newestMatches(monitorId),
    ]);
    charts.forEach((c, i) => {
      c.setFacts(facts[i] ?? [], (facts[i]?.length ?? 0) >= CAPS.facts);
    });
    add(found);
    drawMatches();
    rerender();
    explain = undefined;
    explainError = undefined;
    try {
      explain = await explainAll(monitorId);
    } catch (err) {
      explainError = err;
    }
    rerender();
  }
  load().catch((err: unknown) => {
    error = err;
    rerender();
  });

  return {
    stop() {
      live?.stop();
      clearTimeout(flushTimer);
      for (const c of charts) c.dispose();
    },
    view() {
      // One h1 element from loading to loaded: the route's focus (main.ts) stays on it.
      const m = monitor;
      return html`<h1 class="monitor-title">${monitorId}${m ? html` <small class="muted">v${m.version}</small> ${statusBadge(m)}` : ""}</h1>
        ${m ? body(m) : error ? errorBox(error) : html`<p class="muted">Loading…</p>`}`;
    },
  };

  function body(m: Monitor) {
    const leaves = conditionsOf(m.predicate);
    return html`${maybeError(error)}
        <div class="grid2">
          <section class="card">
            <h2>Definition</h2>
            <dl class="facts">
              <dt>workflow</dt><dd data-field="workflowId">${m.workflowId}</dd>
              <dt>owner</dt><dd data-field="ownerUserId">${m.ownerUserId}</dd>
              <dt>portfolios</dt><dd>${m.linkedPortfolioIds.join(", ") || "–"}</dd>
              <dt>fire</dt><dd>${m.fire.mode}${m.fire.once ? ", once" : ""}${m.fire.cooldownMs ? `, cooldown ${m.fire.cooldownMs} ms` : ""}</dd>
              <dt>matches</dt><dd>${count(m.state.matchCount)} · last ${time(m.state.lastMatchedAt)}</dd>
              <dt>ticks</dt><dd>${count(m.state.tickCount)} · last ${time(m.state.lastTickAt)} ${m.state.lastTickReason ?? ""}</dd>
            </dl>
            <details><summary>JSON</summary><pre>${JSON.stringify(m.predicate, null, 2)}</pre></details>
          </section>
          ${editor.view()}
        </div>
        ${charts.map(
          (c) => html`<section class="card"><h2>${c.key}${
            c.truncated ? html` <small class="muted">(the newest ${count(c.facts.length)} facts)</small>` : ""
          }</h2>${c.host()}
            <p class="legend muted" aria-hidden="true"><span class="k match">▼</span> match <span class="k preview">●</span> preview would fire
              <span class="k level">- -</span> threshold</p>${streamChartText(c)}</section>`,
        )}
        <section class="card">
          <h2>Why it fired (or not) <small class="muted">explain, one lane per condition</small></h2>
          ${maybeError(explainError)}
          ${
            !explain
              ? explainError === undefined
                ? html`<p class="muted">Explaining…</p>`
                : ""
              : "unavailable" in explain
                ? html`<div class="notice">${explain.unavailable}</div>`
                : html`${explain.truncated ? html`<p class="muted">First ${explain.rows.length} evaluations.</p>` : ""}
              ${explainNotes(explain.notes)}
              ${explainLanes(explain.rows, leaves, selected, (i) => {
                selected = i;
                rerender();
              })}`
          }
        </section>
        <section class="card">
          <h2>Matches <small class="muted" data-live=${liveMode}>(${matches.seen}; live: ${liveLabel(liveMode)})</small></h2>
          ${
            matches.size > TABLE_ROWS
              ? html`<p class="muted" data-table-rows=${TABLE_ROWS}>The newest ${TABLE_ROWS} of the ${count(matches.size)}
                this page holds (the chart marks them all); GET /v1/monitors/${monitorId}/matches lists every one.</p>`
              : ""
          }
          <div class="scroll"><table class="matches">
            <thead><tr><th>observed</th><th>matchId</th><th>version</th><th>portfolio</th><th>value</th></tr></thead>
            <tbody>${matches.newest(TABLE_ROWS).map(
              (
                x,
              ) => html`<tr><td>${time(x.observedAt)}</td><td><code>${x.matchId}</code></td><td>${x.monitorVersion}</td>
                <td>${x.portfolioId ?? "–"}</td><td>${JSON.stringify(x.triggerEvent?.data ?? {}).slice(0, 80)}</td></tr>`,
            )}</tbody>
          </table></div>
        </section>`;
  }
}

/** Explain's notes, above the lanes: why a monitor did not fire when no evaluation row can say it. */
function explainNotes(notes: string[]) {
  if (notes.length === 0) return "";
  return html`<ul class="explain-notes">${notes.map((n) => html`<li data-explain-note>${n}</li>`)}</ul>`;
}
