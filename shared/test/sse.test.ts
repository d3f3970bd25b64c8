import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SseParser, sseComment, sseEvent, sseId } from "../src/sse";

/** Splits text at the given cut points (chunks as they might come off the network). */
function chunks(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const c of at) {
    out.push(text.slice(from, c));
    from = c;
  }
  out.push(text.slice(from));
  return out;
}

const lineText = fc.string({ unit: fc.constantFrom("a", "b", " ", ":", "{", "\u00e9", "\u{1F600}") });

describe("SSE framing", () => {
  it("frames a match event as id, event and one data line, ended by a blank line", () => {
    expect(sseEvent({ id: "m1~1~01K", event: "match", data: '{"matchId":"m1~1~01K"}' })).toBe(
      'id: m1~1~01K\nevent: match\ndata: {"matchId":"m1~1~01K"}\n\n',
    );
  });

  it("frames a comment that clients skip", () => {
    expect(sseComment("heartbeat")).toBe(": heartbeat\n\n");
    expect(new SseParser().push(sseComment("heartbeat"))).toEqual([]);
  });

  it("frames an id-only position as an id line and a blank line, with no data", () => {
    expect(sseId("~start")).toBe("id: ~start\n\n");
    expect(() => sseId("a\nb")).toThrow(/one line/);
  });

  it("refuses an id or comment that would break the frame", () => {
    expect(() => sseEvent({ id: "a\nb", data: "x" })).toThrow(/one line/);
    expect(() => sseComment("a\rb")).toThrow(/one line/);
  });

  it("parses back exactly what it framed, however the text is cut into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: lineText,
            event: lineText.filter((s) => s.length > 0),
            data: fc.array(lineText, { minLength: 1, maxLength: 3 }),
          }),
          { maxLength: 6 },
        ),
        fc.array(fc.nat(), { maxLength: 8 }),
        (events, cuts) => {
          const text = events
            .map((e) => sseEvent({ id: e.id, event: e.event, data: e.data.join("\n") }) + sseComment("hb"))
            .join("");
          const parser = new SseParser();
          const got = chunks(text, cuts).flatMap((c) => parser.push(c));
          expect(got).toEqual(events.map((e) => ({ id: e.id, event: e.event, data: e.data.join("\n") })));
        },
      ),
    );
  });
});

describe("SSE parsing (WHATWG rules)", () => {
  it("accepts CRLF and CR line ends, a CRLF split across chunks, and a leading BOM", () => {
    const p = new SseParser();
    expect(p.push("\uFEFFid: 1\r\ndata: a\r")).toEqual([]);
    expect(p.push("\n\r\nid: 2\rdata: b\r\r")).toEqual([{ id: "1", event: "message", data: "a" }]);
    expect(p.push("")).toEqual([]);
    expect(p.push("\n")).toEqual([{ id: "2", event: "message", data: "b" }]);
  });

  it("keeps the last id for events without one, and drops an event with no data", () => {
    const p = new SseParser();
    expect(p.push("id: 7\nevent: match\n\nevent: x\ndata\n\n")).toEqual([{ id: "7", event: "x", data: "" }]);
    expect(p.lastEventId).toBe("7");
  });

  it("sets lastEventId from an id-only frame though it dispatches no event, and the next event keeps it", () => {
    const p = new SseParser();
    expect(p.push(`: connected\n\n${sseId("m0~1~0")}`)).toEqual([]);
    expect(p.lastEventId).toBe("m0~1~0");
    expect(p.push("event: match\ndata: x\n\n")).toEqual([{ id: "m0~1~0", event: "match", data: "x" }]);
  });

  it("leaves lastEventId alone until a frame's blank line, so a frame cut off mid-way is not resumed past", () => {
    const p = new SseParser();
    p.push(sseEvent({ id: "m1", event: "match", data: "a" }));
    expect(p.push("id: m2\nevent: match\n")).toEqual([]);
    expect(p.lastEventId).toBe("m1");
    expect(p.push("data: b\n\n")).toEqual([{ id: "m2", event: "match", data: "b" }]);
    expect(p.lastEventId).toBe("m2");
  });

  it("takes retry only as digits, and ignores unknown fields and an id containing NUL", () => {
    const p = new SseParser();
    p.push("retry: 1500\nretry: soon\nfoo: bar\nid: a\0b\ndata:x\n\n");
    expect(p.retryMs).toBe(1500);
    expect(p.lastEventId).toBe("");
  });
});
