import { html } from "lit";
import type { FabricStats } from "../types";
import { age, count } from "../ui";

/**
 * The projector's line in the overview's Queues card: failing since when, with the last error and
 * its attempt and what to do, or that no batch failed. Lag and "last batch" move only when a batch
 * succeeds, so a projector failing every batch is seen here. A fabric older than `projector`: nothing.
 */
export function projectorNote(s: FabricStats) {
  const p = s.projector;
  if (!p) return "";
  const last = p.lastFailure;
  if (p.failingSince === null)
    return html`<p class="muted" data-projector="ok">Projector: ${
      last ? `a batch has succeeded since its last failure (${age(Date.now() - last.at)} ago).` : "no batch has failed."
    }</p>`;
  return html`<div class="error" data-projector="failing">
    <p><strong>Projector failing</strong> for ${age(Date.now() - p.failingSince)}: ${count(p.failedBatches)} failed batches${
      last ? html`; last, attempt ${last.attempts}: <code>${last.error}</code>` : ""
    }</p>
    ${last ? html`<p>What to do: ${last.hint}</p>` : ""}
  </div>`;
}
