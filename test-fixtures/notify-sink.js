// Test-only stand-in for the notify-trigger-match receiver, for the matcher's own workerd project:
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
    const status = await log.record({
      path: url.pathname,
      auth: request.headers.get("authorization"),
      body: await request.json(),
    });
    return Response.json({ enqueued: status < 300 }, { status });
  },
};
