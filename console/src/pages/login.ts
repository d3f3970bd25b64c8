import { html } from "lit";
import { probeWrite } from "../api";
import { type SignOutReason, session } from "../session";
import { rerender } from "../ui";

/**
 * The sign-in prompt: the token is typed once, checked against the fabric (a read, then a
 * harmless write probe that tells a read-only token apart), and kept in sessionStorage.
 */
let failure = "";
let busy = false;

async function signIn(token: string): Promise<void> {
  busy = true;
  failure = "";
  rerender();
  try {
    const access = await probeWrite(token);
    if (access === "refused") failure = "The fabric refused this token (wrong, expired, or it may not read).";
    else session.signIn(token, access === "write");
  } catch (err) {
    failure = `The fabric did not answer: ${String(err)}`;
  } finally {
    busy = false;
    rerender();
  }
}

export function loginView(reason: SignOutReason) {
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const token = String(new FormData(form).get("token") ?? "").trim();
    if (token) signIn(token).catch(() => {});
  };
  return html`<section class="login">
    <h1>Fabric console</h1>
    ${reason ? html`<div class="error" role="alert">${reason.message}</div>` : ""}
    ${failure ? html`<div class="error" role="alert">${failure}</div>` : ""}
    <form @submit=${submit}>
      <label>Admin token <input name="token" type="password" autocomplete="off" required autofocus></label>
      <button type="submit" ?disabled=${busy}>Sign in</button>
    </form>
    <p class="hint">Kept for this tab only (sessionStorage) and sent as a bearer header. Locally:
      <code>dev-admin-token</code>, or <code>dev-read-token-local</code> to look without changing anything.</p>
  </section>`;
}
