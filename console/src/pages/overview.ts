import { html } from "lit";
import { rateChartText } from "../charts/chart-text";
import { RateChart } from "../charts/rate-chart";
import { fabric } from "../fabric";
import { DEAD_LETTER_QUEUES, type FabricStats } from "../types";
import { age, count, maybeError, type Page, rerender } from "../ui";
import { DeliveryRetry, deliveryCard } from "./overview-delivery";
import { projectorNote } from "./overview-projector";

/** How often the overview polls GET /v1/admin/stats, and how much rate history it keeps. */
const POLL_MS = 3_000;
const HISTORY_MS = 10 * 60_000;

/**
 * The overview: the fabric's state first (each shard's facts applied, matches, outbox backlog and
 * oldest undelivered age; queue lag; wake backlog; dead-letter counts), then facts/s and
 * matches/s over the last minutes, computed from successive stats polls. Refreshes by itself.
 */
export function overviewPage(): Page {
  let stats: FabricStats | undefined;
  let error: unknown;
  let previous: { at: number; facts: number; matches: number } | undefined;
  const chart = new RateChart(HISTORY_MS);
  const retry = new DeliveryRetry();

  const poll = async () => {
    try {
      stats = await fabric.admin.stats<FabricStats>();
      error = undefined;
      const now = Date.now();
      const sample = { at: now, facts: stats.totals.factsApplied, matches: stats.totals.matches };
      if (previous && now > previous.at) {
        const secs = (now - previous.at) / 1000;
        chart.add(now, (sample.facts - previous.facts) / secs, (sample.matches - previous.matches) / secs);
      }
      previous = sample;
    } catch (err) {
      error = err;
    }
    rerender();
  };
  // The next read is scheduled when the last one has answered, never on a fixed clock: a fabric
  // slower than POLL_MS would otherwise get a pile of overlapping reads, answered out of order.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const loop = () =>
    poll()
      .catch(() => {})
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, POLL_MS);
      });
  loop().catch(() => {});

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      chart.dispose();
    },
    view() {
      return html`<h1>Overview</h1>
        ${maybeError(error)}
        ${stats ? totals(stats) : error === undefined ? html`<p class="muted">Loading stats…</p>` : ""}
        ${
          // The chart appears with the first stats and stays (its element is never re-placed): before
          // them it has nothing to draw, and beside a failed load an empty chart would read as "no traffic".
          stats
            ? html`<section class="card" data-chart="rates">
          <h2>Facts/s and matches/s <small class="muted">(every ${POLL_MS / 1000} s, last ${HISTORY_MS / 60_000} min)</small></h2>
          ${chart.host()}${rateChartText(chart)}
        </section>`
            : ""
        }
        ${stats ? details(stats) : ""}
        ${stats ? deliveryCard(stats, retry) : ""}`;
    },
  };
}

function totals(s: FabricStats) {
  const dead = DEAD_LETTER_QUEUES.reduce((a, q) => a + (s.deadLetters[q] ?? 0), 0);
  const tiles: [string, string][] = [
    ["Facts applied", count(s.totals.factsApplied)],
    ["Matches", count(s.totals.matches)],
    ["Outbox backlog", count(s.totals.outboxBacklog)],
    ["Oldest undelivered", age(s.totals.oldestUndeliveredAgeMs)],
    ["Matches refused", count(s.delivery?.refused)],
    ["Wakes pending", count(s.wakes.pending)],
    ["Dead letters", count(dead)],
  ];
  return html`<div class="tiles">
    ${tiles.map(([label, value]) => html`<div class="tile"><span>${label}</span><strong>${value}</strong></div>`)}
  </div>`;
}

function details(s: FabricStats) {
  return html`<div class="grid2">
    <section class="card">
      <h2>Shards</h2>
      <div class="scroll"><table class="shards">
        <thead><tr><th>shard</th><th>facts applied</th><th>stale</th><th>matches</th><th>outbox</th><th>oldest undelivered</th></tr></thead>
        <tbody>${s.shards.map(
          (sh) => html`<tr><td>${sh.shard}</td><td>${count(sh.factsApplied)}</td><td>${count(sh.factsStale)}</td>
            <td>${count(sh.matches)}</td><td>${count(sh.outboxBacklog)}</td><td>${age(sh.oldestUndeliveredAgeMs)}</td></tr>`,
        )}</tbody>
      </table></div>
    </section>
    <section class="card">
      <h2>Queues</h2>
      <div class="scroll"><table>
        <thead><tr><th>queue</th><th>lag</th><th>last batch</th><th>dead letters</th></tr></thead>
        <tbody>${DEAD_LETTER_QUEUES.map((q) => {
          const lag = s.queues[q];
          return html`<tr><td>${q}</td><td>${age(lag?.lagMs)}</td><td>${count(lag?.lastBatchSize)}</td>
            <td><a href="#/dead-letters" data-dead-letters=${q}
              aria-label=${`${count(s.deadLetters[q])} dead letters in ${q}`}>${count(s.deadLetters[q])}</a></td></tr>`;
        })}</tbody>
      </table></div>
      <p class="muted">Wakes: ${count(s.wakes.pending)} pending, oldest ${age(s.wakes.oldestAgeMs)},
        paced at ${s.wakes.ratePerSecond ?? "–"}/s, ${count(s.wakes.rateLimited)} rate-limited;
        ${count(s.wakes.sessionWakes ?? 0)} wakes delivered, ${count(s.wakes.coalesced ?? 0)} matches coalesced into them.</p>
      ${projectorNote(s)}
    </section>
  </div>`;
}
