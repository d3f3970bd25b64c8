import { createConnection, createServer, type Socket } from "node:net";

/**
 * A TCP proxy on its own loopback port in front of a running fabric, which a test takes `down()`
 * (every open connection cut, new ones refused, as when the fabric stops) and brings back `up()`
 * on the same port, so a page loaded through it sees its fabric vanish and return at one origin.
 *
 * @example const proxy = await startProxy(fabricPort); await page.goto(`${proxy.base}/console/`); await proxy.down();
 */
export type SwitchableProxy = {
  /** e.g. `http://127.0.0.1:40124` */
  base: string;
  down: () => Promise<void>;
  up: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startProxy(targetPort: number): Promise<SwitchableProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    for (const s of [client, upstream]) {
      open.add(s);
      s.on("close", () => open.delete(s));
      // Either side failing ends both: the browser sees the connection drop.
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  const port = await listen(0);
  const down = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of open) s.destroy();
    await closed;
  };
  return {
    base: `http://127.0.0.1:${port}`,
    down,
    up: async () => {
      if (!server.listening) await listen(port);
    },
    close: down,
  };
}
