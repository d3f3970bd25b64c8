import { DomainEventSchema } from "../../../shared/src/events";
import { newId } from "../../../shared/src/ids";
import { applyEvents } from "../../../shared/src/projections/apply";
import { d1Executor } from "../../../shared/src/projections/sql";
import { type ParsedSseEvent, SseParser } from "../../../shared/src/sse";
import { self } from "../../../test-fixtures/self";
import { ADMIN, CP, post, renv } from "./runtime-helpers";

/** Helpers of the match-stream tests: matches recorded as the matcher records them, and a stream reader. */
export type Notice = { workflowId: string; monitorId: string; matchId: string };

let clock = Date.parse("2026-11-22T10:00:00.000Z");

/** Records `n` matches of a monitor in D1 (trigger_matched through the projections, as the matcher does). */
export async function recordMatches(monitorId: string, n: number, ownerUserId = "u-1"): Promise<Notice[]> {
  const notices: Notice[] = [];
  const events = [];
  for (let i = 0; i < n; i++) {
    clock += 1000;
    const eventId = newId(clock);
    const matchId = `${monitorId}~1~${eventId}`;
    const workflowId = `wf-${monitorId}`;
    notices.push({ workflowId, monitorId, matchId });
    events.push(
      DomainEventSchema.parse({
        eventId: newId(clock),
        type: "trigger_matched",
        schemaVersion: 2,
        aggregateType: "monitor",
        aggregateId: monitorId,
        aggregateVersion: 1,
        occurredAt: clock,
        data: {
          matchId,
          monitorId,
          monitorVersion: 1,
          eventId,
          observedAt: clock,
          streamKey: "market_price:BTC-USD",
          workflowId,
          ownerUserId,
          portfolioId: `pf-${monitorId}`,
          triggerEvent: {
            kind: "market_price",
            subject: { symbol: "BTC-USD" },
            observedAt: clock,
            data: { price: 100 + i },
            eventId,
          },
        },
      }),
    );
  }
  await applyEvents(d1Executor(renv.DB), events);
  return notices;
}

/** notify-trigger-matches, in rounds of at most 100 as the matcher sends them. */
export async function notify(notices: Notice[]): Promise<void> {
  for (let i = 0; i < notices.length; i += 100) {
    const r = await post(`${CP}/notify-trigger-matches`, { matches: notices.slice(i, i + 100) });
    if (r.status !== 202) throw new Error(`notify-trigger-matches answered ${r.status}`);
  }
}

/** An open GET /v1/matches/stream, read event by event. */
export class StreamReader {
  readonly events: ParsedSseEvent[] = [];
  text = "";
  private readonly parser = new SseParser();
  private readonly decoder = new TextDecoder();
  private constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  static async open(query = "", headers: Record<string, string> = {}, fetcher: Fetcher = self()) {
    const res = await fetcher.fetch(`http://runtime/v1/matches/stream${query}`, { headers: { ...ADMIN, ...headers } });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
    return new StreamReader(res.body.getReader());
  }

  /** Reads until `until` holds (or the timeout passes, or the stream ends). */
  async readUntil(until: (r: StreamReader) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!until(this) && Date.now() < deadline) {
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), deadline - Date.now()));
      const chunk = await Promise.race([this.reader.read(), timeout]);
      if (chunk === "timeout" || chunk.done) return;
      const text = this.decoder.decode(chunk.value, { stream: true });
      this.text += text;
      this.events.push(...this.parser.push(text));
    }
  }

  async count(n: number): Promise<string[]> {
    await this.readUntil((r) => r.events.length >= n);
    return this.ids();
  }

  /** The resume point a client would reconnect with (set by match frames and id-only frames alike). */
  get lastEventId(): string {
    return this.parser.lastEventId;
  }

  ids(): string[] {
    return this.events.map((e) => e.id);
  }

  async close(): Promise<void> {
    await this.reader.cancel();
  }
}
