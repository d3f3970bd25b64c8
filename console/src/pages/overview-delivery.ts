import { html } from "lit";
import type { DeliveryNote, FabricStats } from "../types";
import { age, count } from "../ui";

/**
 * The overview's "Match delivery" card: matches notify-trigger-match accepted, refused (dropped)
 * and the attempts that failed (retried), then the newest failure and refusal with the fabric's
 * reason and its hint on what to do, so a growing outbox comes with its cause. A fabric older than
 * the `delivery` section gets no card.
 */
export function deliveryCard(s: FabricStats) {
  const d = s.delivery;
  if (!d) return "";
  return html`<section class="card" data-delivery>
    <h2>Match delivery</h2>
    <p>${count(d.delivered)} delivered, ${count(d.refused)} refused (dropped),
      ${count(d.failedAttempts)} failed attempts (retried).</p>
    ${note("Last failure", "failure", d.lastFailure)} ${note("Last refusal", "refusal", d.lastRefusal)}
  </section>`;
}

function note(title: string, kind: string, n: DeliveryNote | null) {
  if (!n) return html`<p class="muted" data-note=${kind}>${title}: none.</p>`;
  const status = n.status === 0 ? "no answer" : `status ${n.status}`;
  return html`<div data-note=${kind}>
    <p><strong>${title}</strong>: shard ${n.shard}, ${status}, ${age(Date.now() - n.at)} ago, match
      <code>${n.matchId}</code></p>
    <p class="muted">${n.reason}</p>
    <p>What to do: ${n.hint}</p>
  </div>`;
}
