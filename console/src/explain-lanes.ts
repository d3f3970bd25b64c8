import { html, nothing } from "lit";
import type { ExplainRow } from "../../shared/src/contract/explain";
import type { Leaf } from "./predicate-view";
import { describeCondition } from "./predicate-view";
import { time } from "./ui";

/**
 * The explain timeline: one lane per condition (in the predicate's left-to-right order, as
 * explain numbers them), one cell per evaluation, green when the condition was true and grey when
 * false; a last lane for the predicate's fire decision. A cell's reason shows on hover (its title)
 * and, tapped, in the detail line below, so it works on a phone too. Each cell carries
 * `data-truth`, and each lane `data-condition`, for tests and for anyone reading the DOM.
 * Without a mouse: the decision lane is one slider (a single tab stop, however many cells) that the
 * arrow keys, Page Up/Down, Home and End move along the evaluations; a screen reader hears each
 * evaluation's time and decision as the slider's value, and a summary line above counts them.
 *
 * @example explainLanes(rows, conditionsOf(monitor.predicate), selected, (i) => select(i))
 */
export function explainLanes(
  rows: ExplainRow[],
  leaves: Leaf[],
  selected: number | undefined,
  onSelect: (row: number) => void,
) {
  if (rows.length === 0) return html`<p class="muted">No evaluation in the stored fact log yet.</p>`;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const indices = (first?.conditions ?? []).map((c) => c.index);
  const pick = (i: number) => () => onSelect(i);
  const row = selected === undefined ? undefined : rows[selected];
  const matched = rows.filter((r) => r.decision.outcome === "matched").length;
  const held = rows.filter((r) => r.truth).length;
  return html`<p class="explain-summary" data-explain-summary>${rows.length} evaluations from ${time(first?.observedAt)} to
      ${time(last?.observedAt)}: the predicate held in ${held}, and ${matched} fired.</p>
    <div class="lanes">
      ${indices.map((index) => {
        const leaf = leaves[index];
        return html`<div class="lane" data-condition=${index}>
          <div class="lane-label" title=${leaf ? describeCondition(leaf.condition) : ""}>
            ${leaf?.path || "condition"} · ${leaf ? `${leaf.condition.field} ${leaf.condition.op}` : index}
          </div>
          <div class="cells" aria-hidden="true">
            ${rows.map((r, i) => {
              const c = r.conditions.find((x) => x.index === index);
              return html`<span
                class="cell ${c?.truth ? "t" : "f"} ${i === selected ? "sel" : ""}"
                data-truth=${String(Boolean(c?.truth))}
                title=${`${time(r.observedAt)} · ${c?.comparison ?? ""} · ${c?.reason ?? ""}`}
                @click=${pick(i)}
              ></span>`;
            })}
          </div>
        </div>`;
      })}
      <div class="lane decision">
        <div class="lane-label" id="explain-decision-label">decision</div>
        <div class="cells" tabindex="0" role="slider" aria-labelledby="explain-decision-label"
          aria-valuemin="1" aria-valuemax=${rows.length} aria-valuenow=${(selected ?? 0) + 1}
          aria-valuetext=${row ? valueText(row, selected ?? 0, rows.length) : "none picked: use the arrow keys"}
          @keydown=${(e: KeyboardEvent) => {
            const next = step(e.key, selected, rows.length);
            if (next === undefined) return;
            e.preventDefault();
            onSelect(next);
          }}>
          ${rows.map(
            (r, i) => html`<span
              class="cell ${r.decision.outcome === "matched" ? "m" : r.truth ? "t" : "f"} ${i === selected ? "sel" : ""}"
              data-outcome=${r.decision.outcome}
              title=${`${time(r.observedAt)} · ${r.decision.outcome}: ${r.decision.reason}`}
              @click=${pick(i)}
            ></span>`,
          )}
        </div>
      </div>
      <div class="lane-axis muted"><span>${time(first?.observedAt)}</span><span>${time(last?.observedAt)}</span></div>
    </div>
    ${row ? detail(row, leaves) : html`<p class="muted">Hover or tap a cell for its reason, or focus the decision lane and use the arrow keys.</p>`}`;
}

/** Where a key moves the slider from `at` (undefined: nothing picked yet), or undefined for other keys. */
export function step(key: string, at: number | undefined, n: number): number | undefined {
  const page = Math.max(1, Math.round(n / 10));
  const from = at ?? -1;
  const to: Record<string, number> = {
    ArrowRight: from + 1,
    ArrowUp: from + 1,
    ArrowLeft: at === undefined ? 0 : from - 1,
    ArrowDown: at === undefined ? 0 : from - 1,
    PageUp: from + page,
    PageDown: at === undefined ? 0 : from - page,
    Home: 0,
    End: n - 1,
  };
  const target = to[key];
  return target === undefined ? undefined : Math.min(n - 1, Math.max(0, target));
}

function valueText(row: ExplainRow, i: number, n: number): string {
  return `${i + 1} of ${n}, ${time(row.observedAt)}: predicate ${row.truth ? "true" : "false"}, ${row.decision.outcome}: ${row.decision.reason}`;
}

function detail(row: ExplainRow, leaves: Leaf[]) {
  return html`<div class="explain-detail" data-event=${row.eventId}>
    <strong>${time(row.observedAt)}</strong> · ${row.streamKey} · predicate ${row.truth ? "true" : "false"} ·
    ${row.decision.outcome}: ${row.decision.reason}
    <ul>
      ${row.conditions.map(
        (c) => html`<li class=${c.truth ? "t" : "f"}>
          <code>${leaves[c.index]?.path || c.path}</code> ${c.truth ? "true" : "false"} — ${c.comparison}
          ${c.reason ? html`<span class="muted">(${c.reason})</span>` : nothing}
        </li>`,
      )}
    </ul>
  </div>`;
}
