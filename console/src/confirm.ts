import { html, nothing } from "lit";
import { ref } from "lit/directives/ref.js";
import { rerender } from "./ui";

/**
 * A question asked before a change that cannot be taken back (save, delete, disable, rebuild),
 * shown inline as an alert dialog named by its question. When it opens, focus goes to Cancel (the
 * safe answer); Escape or Cancel closes it and puts focus back on the button that asked; Yes runs
 * the change and puts focus back there too, if that button is still on the page.
 *
 * @example const c = new Confirmation("delete-confirm"); c.ask("Delete it?", () => remove()); html`${c.view()}`;
 */
export class Confirmation {
  private pending: { question: string; run: () => void } | undefined;
  private opener: HTMLElement | undefined;
  private focusCancel = false;

  /** `id` names the question's element (aria-labelledby): unique on the page. */
  constructor(private readonly id: string) {}

  ask(question: string, run: () => void): void {
    const active = document.activeElement;
    this.opener = active instanceof HTMLElement && active !== document.body ? active : undefined;
    this.pending = { question, run };
    this.focusCancel = true;
    rerender();
  }

  view() {
    const p = this.pending;
    if (!p) return nothing;
    const yes = () => {
      this.close();
      p.run();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      this.close();
    };
    return html`<div class="confirm" role="alertdialog" aria-labelledby=${this.id} @keydown=${onKey} ${ref(this.mount)}>
      <span id=${this.id}>${p.question}</span>
      <button data-action="confirm" class="danger" @click=${yes}>Yes</button>
      <button data-action="cancel" @click=${() => this.close()}>Cancel</button>
    </div>`;
  }

  private close(): void {
    this.pending = undefined;
    rerender();
    const back = this.opener;
    this.opener = undefined;
    // The asking button stays on the page while the question shows; after a delete it may not.
    if (back?.isConnected) back.focus();
  }

  /** Focus moves into the box once, when it first appears (lit inserts it after this call, hence the microtask). */
  private readonly mount = (el: Element | undefined) => {
    if (!el || !this.focusCancel) return;
    this.focusCancel = false;
    queueMicrotask(() => el.querySelector<HTMLElement>("[data-action=cancel]")?.focus());
  };
}
