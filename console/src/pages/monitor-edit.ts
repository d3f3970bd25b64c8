import { html, nothing } from "lit";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import { say } from "../announce";
import { Confirmation } from "../confirm";
import { fabric } from "../fabric";
import { bodyOf, explainAll } from "../monitor-data";
import { session } from "../session";
import type { Monitor, MonitorInput } from "../types";
import { act, maybeError, rerender } from "../ui";

/**
 * The monitor page's editor: the definition as its PUT body in a text area; Preview asks
 * `POST /v1/explain` where the edited definition would have fired over the stored log and draws
 * it on the charts; Save, Enable/Disable and Delete each ask for confirmation first. Shown only to
 * a token that may write (the API refuses a read-only token anyway).
 *
 * @example const e = new MonitorEditor(id, reload, drawPreview); e.setMonitor(m); html`${e.view()}`;
 */
export class MonitorEditor {
  private monitor: Monitor | undefined;
  private text = "";
  private readonly confirmation = new Confirmation("editor-confirm");
  private error: unknown;
  private note = "";

  constructor(
    private readonly monitorId: string,
    private readonly reload: () => Promise<void>,
    private readonly drawPreview: (rows: ExplainRow[]) => void,
  ) {}

  setMonitor(m: Monitor): void {
    this.monitor = m;
    this.text = JSON.stringify(bodyOf(m), null, 2);
  }

  view() {
    if (!session.canWrite() || !this.monitor) return nothing;
    const m = this.monitor;
    const ask = (question: string, run: () => Promise<void>) => () => {
      this.error = undefined;
      // Inside an async function, a definition that is not JSON (a throw in `run`) is reported too.
      this.confirmation.ask(question, () =>
        act(
          async () => {
            await run();
          },
          (err) => {
            this.error = err;
          },
        ),
      );
    };
    return html`<section class="card editor">
      <h2>Edit and preview</h2>
      <textarea rows="12" spellcheck="false" aria-label="Monitor definition (JSON, the PUT body)"
        .value=${this.text} @input=${(e: Event) => {
          this.text = (e.target as HTMLTextAreaElement).value;
        }}></textarea>
      <div class="actions">
        <button data-action="preview" @click=${() => this.preview()}>Preview</button>
        <button data-action="save" @click=${ask("Save this definition as a new version?", () => this.put(this.parsed()))}>Save</button>
        <button data-action="toggle" @click=${ask(m.enabled ? "Disable this monitor?" : "Enable this monitor?", () =>
          this.put({ ...bodyOf(m), enabled: !m.enabled }),
        )}>${m.enabled ? "Disable" : "Enable"}</button>
        <button data-action="delete" class="danger" @click=${ask(`Delete monitor ${m.monitorId}? Matching stops.`, () => this.remove())}>Delete</button>
      </div>
      ${this.confirmation.view()}
      ${this.note ? html`<p class="notice" data-preview-note>${this.note}</p>` : nothing}
      ${maybeError(this.error)}
    </section>`;
  }

  /** The definition as typed, sent as it is: the fabric validates it and names each fault. */
  private parsed(): MonitorInput {
    return JSON.parse(this.text) as MonitorInput;
  }

  private preview(): void {
    this.error = undefined;
    this.note = "Previewing…";
    rerender();
    act(
      async () => {
        const result = await explainAll(this.parsed());
        if ("unavailable" in result) {
          this.note = `${result.unavailable} Preview needs it; Save still works.`;
          this.drawPreview([]);
        } else {
          const fired = result.rows.filter((r) => r.decision.outcome === "matched");
          // A preview of a definition that reads an empty stream, a field no fact carries, … says why.
          const why = result.notes.length > 0 ? ` ${result.notes.join(" ")}` : "";
          this.note = `Would have fired ${fired.length} time${fired.length === 1 ? "" : "s"} over ${result.rows.length} evaluations${result.truncated ? " (first page only)" : ""}.${why}`;
          this.drawPreview(fired);
        }
        say(this.note);
        rerender();
      },
      (err) => {
        this.note = "";
        this.error = err;
      },
    );
  }

  private async put(body: MonitorInput): Promise<void> {
    await fabric.monitors.put(this.monitorId, body);
    this.note = "Saved.";
    say("Saved.");
    await this.reload();
  }

  private async remove(): Promise<void> {
    await fabric.monitors.delete(this.monitorId);
    location.hash = "#/monitors";
  }
}
