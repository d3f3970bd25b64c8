import http from "node:http";
import type { FetchLike } from "../../client/src/index";

/**
 * A FetchLike over node:http with a keep-alive agent: the socket layer bench:ingest's raw run
 * uses, so a client run through it differs from the raw run by the client library's own work
 * alone. (Node's global fetch, undici, costs several times more CPU per request than node:http;
 * the bench runs the client with it as well and prints both.)
 *
 * @example devClient(base, { fetch: nodeHttpFetch(64) })
 */
export function nodeHttpFetch(maxSockets: number): FetchLike & { close: () => void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const fetchLike = (input: string, init: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(input);
      const body = init.body as Uint8Array | undefined;
      const headers = { ...(init.headers as Record<string, string>) };
      if (body) headers["content-length"] = String(body.byteLength);
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: init.method, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") out.set(k, v);
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: out }));
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return Object.assign(fetchLike, { close: () => agent.destroy() });
}
