import { Worker } from "node:worker_threads";

/**
 * A notify-trigger-match endpoint on loopback for load tests: the matcher's NOTIFY_URL points here
 * (the "external platform API" mode), and each receipt is timestamped on arrival. Faults can be
 * switched on: answer 500, or hang, until told to recover.
 *
 * The server runs on its own thread. The load test's main thread blocks for tens of seconds when
 * it runs the reference evaluator over everything it pushed; a receiver on that thread then
 * answered nothing meanwhile, so the matcher's notify calls timed out and were retried, and the
 * matches still in flight were stamped when the loop came back (the 30 s "outliers" of earlier
 * load:e2e runs were that, not the fabric).
 *
 * @example const rx = await startReceiver(); … rx.receipts; rx.mode = "fail500"; await rx.close();
 */
export type Receipt = { matchId: string; monitorId: string; at: number; acked: boolean };
export type ReceiverMode = "ok" | "fail500" | "hang";

export type Receiver = { url: string; receipts: Receipt[]; mode: ReceiverMode; close: () => Promise<void> };

type FromServer = { port: number } | { receipt: Receipt } | { closed: true };

// Plain JavaScript: a worker evaluated from source needs no TypeScript loader.
const SERVER_THREAD = `
const { createServer } = require("node:http");
const { parentPort } = require("node:worker_threads");
let mode = "ok";
const hanging = new Set();
const server = createServer((req, res) => {
  const at = Date.now();
  let body = "";
  req.on("data", (d) => { body += String(d); });
  req.on("end", () => {
    let m;
    try {
      m = JSON.parse(body || "{}");
    } catch {
      res.writeHead(400).end("not JSON");
      return;
    }
    const receipt = { matchId: m.matchId ?? "", monitorId: m.monitorId ?? "", at, acked: false };
    if (mode === "fail500") {
      parentPort.postMessage({ receipt });
      res.writeHead(500).end("injected failure");
      return;
    }
    if (mode === "hang") {
      // Hold the request for 30 s (the sender's timeout is shorter), then drop it unanswered.
      const timer = setTimeout(() => res.destroy(), 30_000);
      hanging.add(timer);
      parentPort.postMessage({ receipt });
      return;
    }
    receipt.acked = true;
    parentPort.postMessage({ receipt });
    res.writeHead(202, { "content-type": "application/json" }).end('{"enqueued":true}');
  });
});
parentPort.on("message", (msg) => {
  if (msg.mode) mode = msg.mode;
  if (msg.close) {
    for (const t of hanging) clearTimeout(t);
    server.closeAllConnections();
    server.close(() => parentPort.postMessage({ closed: true }));
  }
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
`;

export async function startReceiver(): Promise<Receiver> {
  const worker = new Worker(SERVER_THREAD, { eval: true });
  const receipts: Receipt[] = [];
  let mode: ReceiverMode = "ok";
  let closed: (() => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    // Before the port: startup failed. After it: the server thread died, and receipts stop.
    worker.on("error", (err) => {
      reject(err);
      console.error(`notify receiver thread failed: ${String(err)}`);
    });
    worker.on("message", (msg: FromServer) => {
      if ("port" in msg) resolve(msg.port);
      else if ("receipt" in msg) receipts.push(msg.receipt);
      else closed?.();
    });
  });
  return {
    url: `http://127.0.0.1:${port}/v1/admin/control-plane/workflow-monitors/notify-trigger-match`,
    receipts,
    get mode() {
      return mode;
    },
    set mode(m: ReceiverMode) {
      mode = m;
      worker.postMessage({ mode: m });
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage({ close: true });
      });
      await worker.terminate();
    },
  };
}
