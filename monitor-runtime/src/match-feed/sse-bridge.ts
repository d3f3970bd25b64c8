import { sseComment } from "../../../shared/src/sse";
import { MORE } from "./match-feed";

/**
 * The Worker's half of a match stream: the WebSocket from the MatchFeed turned into the client's
 * text/event-stream body. Each message is a run of ready SSE frames; once written (a write settles
 * when the client has read it, so a slow client slows the feed for itself only) the bridge asks the
 * feed for more. A comment goes out every `heartbeatMs` so proxies and clients see the stream is
 * alive, with a "ping" the feed answers without waking. Either side ending ends the other: the
 * client's next reconnect carries Last-Event-ID.
 *
 * @example return new Response(bridgeToSse(socket, 15_000), { headers: { "content-type": "text/event-stream" } });
 */
export function bridgeToSse(socket: WebSocket, heartbeatMs: number): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  let ended = false;
  let queue: Promise<void> = Promise.resolve();
  const then = (step: () => Promise<void>) => {
    queue = queue.then(step).catch(end);
  };
  const write = (text: string) => writer.write(encoder.encode(text));
  const timer = setInterval(
    () =>
      then(async () => {
        await write(sseComment("heartbeat"));
        socket.send("ping");
      }),
    heartbeatMs,
  );
  function end(): void {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    try {
      socket.close(1000, "stream ended");
    } catch {
      // already closed
    }
    writer.close().catch(() => undefined);
  }
  // A reader that went away cancels the body, which errors the writer at once: release the feed's
  // socket then, not at the next heartbeat (each open socket counts against its token's streams).
  writer.closed.catch(end);
  socket.accept();
  socket.addEventListener("message", (e) => {
    if (e.data === "pong" || typeof e.data !== "string") return;
    const frames = e.data;
    then(async () => {
      await write(frames);
      if (!ended) socket.send(MORE);
    });
  });
  socket.addEventListener("close", () => then(async () => end()));
  socket.addEventListener("error", () => end());
  // Sent at once, so the client sees the response start before the first match.
  then(() => write(sseComment("connected")));
  return readable;
}
