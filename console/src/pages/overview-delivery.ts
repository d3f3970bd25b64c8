import { html } from "lit";
import { say } from "../announce";
import { fabric } from "../fabric";
import { session } from "../session";
import type { DeliveryNote, FabricStats } from "../types";
import { act, age, count, maybeError, rerender } from "../ui";

/**
 * The overview's "Match delivery" card: matches notify-trigger-match accepted, refused (dropped)
 * and the attempts that failed (retried), then the newest failure and refusal with the fabric's
 * reason and its hint on what to do, so a growing outbox comes with its cause. A fabric older than
 * the `delivery` section gets no card. With a backlog or a failure, a token that may write gets
 * "Retry now" (POST /v1/admin/deliveries/retry): once the cause is fixed, the backed-off matches go
 * out at once instead of at their next retry. It asks no confirmation: like a dead-letter replay it
 * is idempotent and sends no match twice, so there is nothing to take back.
 */
export function deliveryCard(s: FabricStats, retry: DeliveryRetry) {
  const d = s.delivery;
  if (!d) return "";
  return html`<section class="card" data-delivery>
    <h2>Match delivery</h2>
    <p>${count(d.delivered)} delivered, ${count(d.refused)} refused (dropped),
      ${count(d.failedAttempts)} failed attempts (retried).</p>
    ${note("Last failure", "failure", d.lastFailure, d.lastDeliveredAt ?? null)}
    ${note("Last refusal", "refusal", d.lastRefusal, null)}
    ${retry.view(s.totals.outboxBacklog > 0 || d.lastFailure !== null)}
  </section>`;
}

/** The card's "Retry now" and what its last use did; kept by the overview across its polls. */
export class DeliveryRetry {
  private done = "";
  private error: unknown;
  private busy = false;

  view(wanted: boolean) {
    if (!session.canWrite() || (!wanted && !this.done)) return "";
    return html`<div data-retry>
      ${
        wanted
          ? html`<p><button data-action="retry-deliveries" aria-describedby="retry-deliveries-why" ?disabled=${this.busy}
            @click=${() => this.run()}>Retry now</button>
          <span class="muted" id="retry-deliveries-why">Sends every match waiting out a backoff now, on every shard,
            instead of at its next retry (up to 5 min away). Fix the cause above first; safe to repeat.</span></p>`
          : ""
      }
      ${this.done ? html`<p class="notice">${this.done}</p>` : ""} ${maybeError(this.error)}
    </div>`;
  }

  private run(): void {
    this.busy = true;
    this.error = undefined;
    rerender();
    act(
      async () => {
        const r = await fabric.admin.retryDeliveries();
        const shards = r.shards.filter((x) => x.madeDue > 0).length;
        this.done =
          r.madeDue > 0
            ? `Made ${count(r.madeDue)} undelivered ${r.madeDue === 1 ? "match" : "matches"} due now on ${shards} ${shards === 1 ? "shard" : "shards"}; delivering.`
            : r.undelivered > 0
              ? `Nothing was waiting out a backoff; ${count(r.undelivered)} undelivered ${r.undelivered === 1 ? "is" : "are"} due or being delivered.`
              : "Nothing to retry: no match waits for delivery.";
        this.busy = false;
        say(this.done);
        rerender();
      },
      (err) => {
        this.busy = false;
        this.error = err;
      },
    );
  }
}

/** `deliveredAt`: the newest delivery; a failure before it was followed by deliveries, so it is said to be past. */
function note(title: string, kind: string, n: DeliveryNote | null, deliveredAt: number | null) {
  if (!n) return html`<p class="muted" data-note=${kind}>${title}: none.</p>`;
  const status = n.status === 0 ? "no answer" : `status ${n.status}`;
  const past = deliveredAt !== null && deliveredAt > n.at;
  return html`<div data-note=${kind} data-past=${past ? "yes" : "no"}>
    <p><strong>${title}</strong>: shard ${n.shard}, ${status}, ${age(Date.now() - n.at)} ago, match
      <code>${n.matchId}</code>${past ? html` <span class="badge">matches delivered since</span>` : ""}</p>
    <p class="muted">${n.reason}</p>
    <p>What to do: ${n.hint}</p>
  </div>`;
}
