/**
 * The signed-in token, kept in sessionStorage only (gone when the tab closes), sent as a bearer
 * header and never put in a URL. `canWrite` is whether GET /v1/admin/whoami named the `write` scope
 * at sign-in (pages/login.ts): a read-only token gets no buttons that change anything.
 *
 * @example session.signIn("dev-admin-token", true); session.token(); session.signOut();
 */
const TOKEN_KEY = "fabric-console.token";
const WRITE_KEY = "fabric-console.can-write";

export type SignOutReason = { message: string } | null;

type Listener = (reason: SignOutReason) => void;
const listeners = new Set<Listener>();

export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  canWrite(): boolean {
    return sessionStorage.getItem(WRITE_KEY) === "true";
  },
  signIn(token: string, canWrite: boolean): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(WRITE_KEY, String(canWrite));
    for (const l of listeners) l(null);
  },
  /** Forgets the token; the app shows the sign-in prompt with the reason. */
  signOut(reason: SignOutReason = null): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(WRITE_KEY);
    for (const l of listeners) l(reason);
  },
  onChange(listener: Listener): void {
    listeners.add(listener);
  },
};
