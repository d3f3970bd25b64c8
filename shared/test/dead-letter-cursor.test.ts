import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_QUEUES } from "../src/contract/reads";
import { decodeDeadLetterCursor, encodeDeadLetterCursor } from "../src/dead-letter-page";

describe("dead-letter cursors", () => {
  it("decode to the seq they were made from, on their own queue", () => {
    fc.assert(
      fc.property(fc.constantFrom(...DEAD_LETTER_QUEUES), fc.nat({ max: Number.MAX_SAFE_INTEGER }), (queue, seq) => {
        const cursor = encodeDeadLetterCursor(queue, seq);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeDeadLetterCursor(queue, cursor)).toEqual({ seq });
      }),
    );
  });

  it("refuse another queue's cursor, naming both queues", () => {
    const cursor = encodeDeadLetterCursor("wakes", 7);
    expect(decodeDeadLetterCursor("facts", cursor)).toEqual({
      problem:
        "this cursor pages the dead letters of queue wakes, not facts: pass the nextCursor of the previous page unchanged, or leave cursor out to start at the oldest",
    });
  });

  it("refuse any string that is not a cursor, without throwing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const decoded = decodeDeadLetterCursor("facts", text);
        if ("seq" in decoded) expect(encodeDeadLetterCursor("facts", decoded.seq)).toBe(text.replace(/=+$/, ""));
        else expect(decoded.problem).toContain("pass the nextCursor of the previous page unchanged");
      }),
    );
    for (const text of ["42", "%%%", "ZGwxOmZhY3Rz", btoa("dl1:facts:-1"), btoa("dl1:facts:1e3")]) {
      expect(decodeDeadLetterCursor("facts", text)).toHaveProperty("problem");
    }
  });
});
