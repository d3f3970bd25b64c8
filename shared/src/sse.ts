/**
 * Server-sent events (the WHATWG `text/event-stream` format), both ways: `sseEvent`/`sseComment`
 * frame what the match stream sends; `SseParser` reads it back incrementally (the client library
 * and the tests), so a frame split across network chunks, or several frames in one, parse the same.
 *
 * @example sseEvent({ id: "m1~1~01K…", event: "match", data: JSON.stringify(match) })
 * // "id: m1~1~01K…\nevent: match\ndata: {…}\n\n"
 */
export type SseEvent = { id?: string; event?: string; data: string };

/** One event frame. Each line of `data` becomes its own `data:` line; the parser joins them with "\n". */
export function sseEvent(e: SseEvent): string {
  let out = "";
  if (e.id !== undefined) out += `id: ${oneLine(e.id, "id")}\n`;
  if (e.event !== undefined) out += `event: ${oneLine(e.event, "event")}\n`;
  for (const line of e.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/**
 * An id-only frame: no event is dispatched (it has no data), but by the WHATWG rules it still sets
 * the reader's last event ID, so a reconnect (Last-Event-ID) resumes from it. The match stream
 * opens with one naming its starting position, so a stream dropped before its first match resumes
 * from there instead of from "now".
 */
export function sseId(id: string): string {
  return `id: ${oneLine(id, "id")}\n\n`;
}

/** A comment frame (a heartbeat): clients ignore it, proxies see traffic. */
export function sseComment(text: string): string {
  return `: ${oneLine(text, "comment")}\n\n`;
}

function oneLine(value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw new TypeError(`SSE ${what} must be one line without NUL: ${JSON.stringify(value)}`);
  return value;
}

/** A parsed event: `id` is the last event id in force when it was dispatched (as EventSource keeps it). */
export type ParsedSseEvent = { id: string; event: string; data: string };

/**
 * Incremental parser: `push(chunk)` returns the events completed by that chunk. Comments and
 * unknown fields are skipped; `retry:` is kept in `retryMs`. Follows the WHATWG parsing rules
 * (BOM, CR/LF/CRLF line ends, one optional space after the colon, an event without data is dropped).
 * `lastEventId` is the resume point: as in EventSource, an `id:` line takes effect when its frame
 * ends with the blank line (an id-only frame too, though it dispatches nothing), never for a frame
 * cut off mid-way, whose event the reader never got.
 *
 * @example const p = new SseParser(); for (const e of p.push(text)) console.log(e.id, e.data);
 */
export class SseParser {
  lastEventId = "";
  retryMs: number | undefined;
  private buffer = "";
  private started = false;
  private data: string[] = [];
  private eventType = "";
  /** The `id:` of the frame being read; becomes `lastEventId` when the frame ends. */
  private idBuffer = "";

  push(chunk: string): ParsedSseEvent[] {
    let text = this.buffer + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith("\uFEFF")) text = text.slice(1);
    }
    const events: ParsedSseEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c !== "\n" && c !== "\r") continue;
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk to know.
      if (c === "\r" && i === text.length - 1) break;
      this.line(text.slice(start, i), events);
      if (c === "\r" && text[i + 1] === "\n") i++;
      start = i + 1;
    }
    this.buffer = text.slice(start);
    return events;
  }

  private line(line: string, events: ParsedSseEvent[]): void {
    if (line === "") {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.eventType = value;
    else if (field === "id" && !value.includes("\0")) this.idBuffer = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
  }

  private dispatch(events: ParsedSseEvent[]): void {
    // Like the spec's "last event ID buffer", the id carries over to later frames that set none.
    this.lastEventId = this.idBuffer;
    if (this.data.length > 0) {
      events.push({ id: this.lastEventId, event: this.eventType || "message", data: this.data.join("\n") });
    }
    this.data = [];
    this.eventType = "";
  }
}
