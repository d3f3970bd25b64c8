import { AdminClient } from "../../client/src/admin-client";
import type { Whoami } from "../../client/src/types";
import { session } from "./session";

/**
 * Every call the console makes goes through the client library's AdminClient: same origin, the
 * session's bearer token read at each call, and a FabricError (title, detail, errors[].path) for
 * every refusal, which the pages show. A 401 (wrong or expired token), or a 403 on a read (a token
 * that may not even read), signs out and brings back the prompt with the reason.
 *
 * @example const stats = await fabric.admin.stats<FabricStats>();
 */

// The pages poll on their own timers and a person clicks again, so one quick retry is plenty.
const RETRY = { maxAttempts: 2, maxElapsedMs: 2_000 };

export const fabric = new AdminClient({
  baseUrl: location.origin,
  token: () => session.token(),
  retry: RETRY,
  onRefused: (error, request) => {
    if (error.status === 401 || request.method === "GET") {
      session.signOut({ message: `${error.title}: ${error.detail}. Sign in again.` });
    }
  },
});

/** What a token typed at the prompt may do (GET /v1/admin/whoami), asked before it is kept. */
export function whoami(token: string): Promise<Whoami> {
  return new AdminClient({ baseUrl: location.origin, token, retry: RETRY }).admin.whoami();
}
