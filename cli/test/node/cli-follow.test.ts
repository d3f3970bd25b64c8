import { describe, expect, it } from "vitest";
import { cli, match, problem } from "./harness";

/** `fabric matches <id> --follow` and `fabric matches tail <id>`: live from the stream, polling without it. */

/** An SSE body with these matches; left open (quiet) when `open`. */
function sse(ids: number[], open = false): Response {
  const text = `: connected\n\n${ids.map((i) => `id: mt-${i}\nevent: match\ndata: ${JSON.stringify(match(i))}\n\n`).join("")}`;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(text));
      if (!open) c.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

const lines = (out: string) =>
  out
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as { matchId: string }).matchId);

describe("matches --follow / matches tail", () => {
  for (const argv of [
    ["matches", "m1", "--follow", "--json"],
    ["matches", "tail", "m1", "--json"],
  ]) {
    it(`${argv.slice(0, 3).join(" ")}: opens the stream first, prints the matches so far, then live ones, each once`, async () => {
      const stop = new AbortController();
      let streams = 0;
      const r = await cli(
        argv,
        (req) => {
          const url = new URL(req.url);
          if (url.pathname === "/v1/monitors/m1/matches") return Response.json({ matches: [match(0), match(1)] });
          if (url.pathname !== "/v1/matches/stream") return problem(500);
          streams++;
          if (streams === 1) return sse([1, 2, 3]); // mt-1 was also listed; then the connection drops
          stop.abort();
          return sse([], true);
        },
        { signal: stop.signal },
      );
      expect(r.code).toBe(0);
      expect(lines(r.out)).toEqual(["mt-0", "mt-1", "mt-2", "mt-3"]);
      const paths = r.calls.map((c) => {
        const u = new URL(c.url);
        return `${u.pathname}?${u.searchParams}`;
      });
      expect(paths).toEqual([
        "/v1/matches/stream?monitorId=m1",
        "/v1/monitors/m1/matches?limit=500",
        "/v1/matches/stream?monitorId=m1&after=mt-3",
      ]);
      expect(r.err).toContain("following m1's matches live");
    });
  }

  it("polls after the last match seen on a fabric without the stream (404)", async () => {
    const stop = new AbortController();
    const afters: (string | null)[] = [];
    let polls = 0;
    const r = await cli(
      ["matches", "tail", "m1", "--json"],
      (req) => {
        const url = new URL(req.url);
        if (url.pathname === "/v1/matches/stream") return problem(404, { detail: "No route" });
        afters.push(url.searchParams.get("after"));
        if (++polls === 3) stop.abort();
        return Response.json({ matches: polls === 1 ? [match(0), match(1)] : polls === 2 ? [match(2)] : [] });
      },
      { signal: stop.signal },
    );
    expect(r.code).toBe(0);
    expect(lines(r.out)).toEqual(["mt-0", "mt-1", "mt-2"]);
    expect(afters).toEqual([null, "mt-1", "mt-2"]);
    expect(r.err).toContain("no live match stream; polling");
  });

  it("exits 1 with the problem when the stream refuses the token", async () => {
    const r = await cli(["matches", "tail", "m1"], () => problem(403, { detail: 'This token lacks the "read" scope' }));
    expect(r.code).toBe(1);
    expect(r.err).toContain('lacks the "read" scope');
    expect(r.out).toBe("");
  });
});
