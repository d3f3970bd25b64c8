// A test-only auxiliary Worker: a real consumer of a local queue that keeps every message it
// receives, so workerd tests can assert what actually landed on the queue (bodies as bytes).
import { DurableObject } from "cloudflare:workers";

export class SinkStore extends DurableObject {
  messages = [];
  add(batch) {
    this.messages.push(...batch);
  }
  list() {
    return this.messages;
  }
  clear() {
    this.messages = [];
  }
}

export default {
  async queue(batch, env) {
    const stub = env.STORE.get(env.STORE.idFromName("sink"));
    await stub.add(batch.messages.map((m) => ({ id: m.id, queue: batch.queue, body: m.body })));
    batch.ackAll();
  },
  async fetch(request, env) {
    const stub = env.STORE.get(env.STORE.idFromName("sink"));
    if (new URL(request.url).pathname === "/clear") {
      await stub.clear();
      return new Response("ok");
    }
    return new Response(
      JSON.stringify(await stub.list(), (_k, v) => (v instanceof Uint8Array ? { $bytes: Array.from(v) } : v)),
    );
  },
};
