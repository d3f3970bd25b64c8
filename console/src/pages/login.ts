import { html } from "lit";
import { FabricError } from "../../../client/src/errors";
import { whoami } from "../fabric";
import { type SignOutReason, session } from "../session";
import { errorText, rerender } from "../ui";

/**
 * The sign-in prompt: the token is typed once, asked what it may do (GET /v1/admin/whoami: a token
 * that may not read is refused here, one without `write` gets no buttons that change anything),
 * and kept in sessionStorage.
 */
let failure = "";
let busy = false;

async function signIn(token: string): Promise<void> {
  busy = true;
  failure = "";
  rerender();
  try {
    const { scopes } = await whoami(token);
    if (scopes.includes("read")) session.signIn(token, scopes.includes("write"));
    else failure = `This token may not read (it holds ${scopes.join(", ")}); the console needs the read scope.`;
  } catch (err) {
    failure =
      err instanceof FabricError && err.status === 401
        ? "The fabric refused this token (wrong or expired)."
        : errorText(err);
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
