import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import type { ReconnectInfo } from "../../src/match-stream";

/**
 * The timeout with Node's own fetch and a real socket (the other tests script fetch): a server that
 * takes the request and never answers is given up after `timeoutMs` and tried again, and an SSE
 * answer that outlives `timeoutMs` is read to its last event over its one connection. Short real
 * waits (tens of ms), no sleeps beyond them.
 */
let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<string> {
  let n = 0;
  const listening = createServer((req, res) => handle(req, res, n++));
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

const frame = (n: number) =>
  `id: m1~1~${n}\nevent: match\ndata: ${JSON.stringify({ matchId: `m1~1~${n}`, monitorId: "m1" })}\n\n`;

describe("timeout over a real connection", () => {
  it("gives up a request the server never answers, and retries it", async () => {
    const baseUrl = await serve((_req, res, n) => {
      if (n > 0) res.writeHead(200, { "content-type": "application/json" }).end('{"facts":7}');
    });
    const fabric = new FabricClient({ baseUrl, token: "t", timeoutMs: 50, sleep: async () => {} });
    expect(await fabric.stats()).toEqual({ facts: 7 });
  });

  it("gives up a body that stops half-way", async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).write('{"fac');
    });
    const fabric = new FabricClient({ baseUrl, token: "t", timeoutMs: 50, retry: { maxAttempts: 1 } });
    await expect(fabric.stats()).rejects.toMatchObject({ code: "timeout" });
  });

  it("keeps a match stream open past timeoutMs once it has started", async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" }).write(frame(1));
      setTimeout(() => res.write(frame(2)), 150);
    });
    const fabric = new FabricClient({ baseUrl, token: "t", timeoutMs: 30, sleep: async () => {} });
    const reconnects: ReconnectInfo[] = [];
    const ids: string[] = [];
    for await (const m of fabric.matchStream({ onReconnecting: (info) => reconnects.push(info) })) {
      ids.push(m.matchId);
      if (ids.length === 2) break;
    }
    expect(ids).toEqual(["m1~1~1", "m1~1~2"]);
    expect(reconnects).toEqual([]);
  });
});
