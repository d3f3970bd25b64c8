/**
 * bench:ingest's floor Worker (load-tests/floor-worker/wrangler.jsonc): the minimum a push costs in
 * the local runtime, with none of the fabric's validation, auth, journal, rate limit or matching.
 */
type FloorEnv = { FLOOR_QUEUE: Queue<string> };

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    if (request.method !== "POST") return new Response("ok");
    const body = await request.text();
    const { facts } = JSON.parse(body) as { facts: unknown[] };
    await env.FLOOR_QUEUE.sendBatch([{ body, contentType: "text" }]);
    return Response.json({ accepted: facts.length }, { status: 202 });
  },
  async queue(batch: MessageBatch<string>): Promise<void> {
    batch.ackAll();
  },
} satisfies ExportedHandler<FloorEnv, string>;
