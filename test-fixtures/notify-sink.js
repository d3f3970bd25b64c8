// Test-only stand-in for the notify-trigger-match(es) receiver, for the matcher's own workerd project:
// records every delivery and answers with a status the test sets (500 to make the shard retry).
// The real receiver is exercised by the whole-fabric project (test-e2e/).
import { DurableObject } from "cloudflare:workers";

export class NotifyLog extends DurableObject {
  calls = [];
  status = 202;
  record(call) {
    this.calls.push(call);
    return this.status;
  }
  setStatus(status) {
    this.status = status;
  }
  list() {
    return this.calls;
  }
  clear() {
    this.calls = [];
    this.status = 202;
  }
}

export default {
  async fetch(request, env) {
    const log = env.LOG.get(env.LOG.idFromName("log"));
    const url = new URL(request.url);
    if (url.pathname === "/test/calls") return Response.json(await log.list());
    if (url.pathname === "/test/clear") return Response.json(await log.clear());
    if (url.pathname === "/test/status") return Response.json(await log.setStatus(Number(url.searchParams.get("s"))));
    const auth = request.headers.get("authorization");
    const body = await request.json();
    // notify-trigger-matches: a round of matches in one call, recorded one by one; a status the
    // test set above 299 fails the whole call, as a runtime that is down would.
    if (url.pathname.endsWith("/notify-trigger-matches")) {
      let status = 202;
      for (const match of body.matches) status = await log.record({ path: url.pathname, auth, body: match });
      if (status >= 300) return Response.json({ title: "down" }, { status });
      const results = body.matches.map((m) => ({ matchId: m.matchId, status: 202, enqueued: true }));
      return Response.json({ results }, { status: 202 });
    }
    const status = await log.record({ path: url.pathname, auth, body });
    return Response.json({ enqueued: status < 300 }, { status });
  },
};
