import { createServer, type Server } from "node:http";

/**
 * A notify-trigger-match endpoint on loopback for load tests: the matcher's NOTIFY_URL points here
 * (the "external platform API" mode), and each receipt is timestamped on arrival. Faults can be
 * switched on: answer 500, or hang, until told to recover.
 *
 * @example const rx = await startReceiver(); … rx.receipts; rx.mode = "fail500"; await rx.close();
 */
export type Receipt = { matchId: string; monitorId: string; at: number; acked: boolean };
export type ReceiverMode = "ok" | "fail500" | "hang";

export type Receiver = { url: string; receipts: Receipt[]; mode: ReceiverMode; close: () => Promise<void> };

export async function startReceiver(): Promise<Receiver> {
  const rx: Receiver = { url: "", receipts: [], mode: "ok", close: async () => {} };
  const hanging = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const at = Date.now();
    let body = "";
    req.on("data", (d) => {
      body += String(d);
    });
    req.on("end", () => {
      const m = JSON.parse(body || "{}") as { matchId?: string; monitorId?: string };
      const receipt = { matchId: m.matchId ?? "", monitorId: m.monitorId ?? "", at, acked: false };
      if (rx.mode === "fail500") {
        rx.receipts.push(receipt);
        res.writeHead(500).end("injected failure");
        return;
      }
      if (rx.mode === "hang") {
        // Hold the request for 30 s (the sender's timeout is shorter), then drop it unanswered.
        const timer = setTimeout(() => res.destroy(), 30_000);
        hanging.add(() => clearTimeout(timer));
        rx.receipts.push(receipt);
        return;
      }
      receipt.acked = true;
      rx.receipts.push(receipt);
      res.writeHead(202, { "content-type": "application/json" }).end('{"enqueued":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  rx.url = `http://127.0.0.1:${port}/v1/admin/control-plane/workflow-monitors/notify-trigger-match`;
  rx.close = async () => {
    for (const stop of hanging) stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return rx;
}
