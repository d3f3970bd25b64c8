import { html } from "lit";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import { type Level, StreamChart } from "../charts/stream-chart";
import { explainLanes } from "../explain-lanes";
import { followMatches, type LiveMode, liveLabel } from "../live-matches";
import { allMatches, type ExplainResult, explainAll, readMonitor, streamFacts } from "../monitor-data";
import { conditionsOf, levelsOf, streamKeyOf, streamsOf } from "../predicate-view";
import type { Match, Monitor } from "../types";
import { count, errorBox, maybeError, type Page, rerender, statusBadge, time } from "../ui";
import { MonitorEditor } from "./monitor-edit";

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
  let matches: Match[] = [];
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
    for (const c of charts) c.setMatches(matches.filter((m) => chartFor(m) === c).map((m) => m.observedAt));
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
      const known = new Set(matches.map((m) => m.matchId));
      const fresh = found.filter((m) => !known.has(m.matchId));
      if (fresh.length === 0) return;
      matches = [...matches, ...fresh].sort((a, b) => a.observedAt - b.observedAt);
      drawMatches();
      rerender();
    };
    live = followMatches(
      monitorId,
      undefined,
      (m) => add([m]),
      (mode) => {
        liveMode = mode;
        rerender();
      },
    );
    await live.opened;
    const [facts, found] = await Promise.all([
      Promise.all(charts.map((c) => streamFacts(c.stream))),
      allMatches(monitorId),
    ]);
    charts.forEach((c, i) => {
      c.setFacts(facts[i] ?? []);
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
      for (const c of charts) c.dispose();
    },
    view() {
      if (!monitor) return html`<h1>${monitorId}</h1>${error ? errorBox(error) : html`<p class="muted">Loading…</p>`}`;
      const m = monitor;
      const leaves = conditionsOf(m.predicate);
      return html`<h1 class="monitor-title">${m.monitorId} <small class="muted">v${m.version}</small>
          ${statusBadge(m)}</h1>
        ${maybeError(error)}
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
          (c) => html`<section class="card"><h2>${c.key}</h2>${c.host()}
            <p class="legend muted"><span class="k match">▼</span> match <span class="k preview">●</span> preview would fire
              <span class="k level">- -</span> threshold</p></section>`,
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
              ${explainLanes(explain.rows, leaves, selected, (i) => {
                selected = i;
                rerender();
              })}`
          }
        </section>
        <section class="card">
          <h2>Matches <small class="muted" data-live=${liveMode}>(${matches.length}; live: ${liveLabel(liveMode)})</small></h2>
          <div class="scroll"><table class="matches">
            <thead><tr><th>observed</th><th>matchId</th><th>version</th><th>portfolio</th><th>value</th></tr></thead>
            <tbody>${[...matches].reverse().map(
              (
                x,
              ) => html`<tr><td>${time(x.observedAt)}</td><td><code>${x.matchId}</code></td><td>${x.monitorVersion}</td>
                <td>${x.portfolioId ?? "–"}</td><td>${JSON.stringify(x.triggerEvent?.data ?? {}).slice(0, 80)}</td></tr>`,
            )}</tbody>
          </table></div>
        </section>`;
    },
  };
}
