import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { MAX_STREAMS_PER_TOKEN } from "../../src/match-feed/match-feed";
import { StreamReader } from "./match-stream-helpers";
import { ADMIN, renv } from "./runtime-helpers";

/** Open GET /v1/matches/stream per token, against the real MatchFeed Durable Object. */
const READ_TOKENS = JSON.stringify([{ token: "a-dashboard-read-token", scopes: ["read"] }]);
const open = (headers: Record<string, string>, env: object = renv) =>
  app.fetch(new Request("http://runtime/v1/matches/stream", { headers }), env);

describe("open match streams per token", () => {
  it("holds a bounded number per token, answers one more with a 429, and frees a place when a reader leaves", async () => {
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS_PER_TOKEN }, () => StreamReader.open()));

    const over = await open(ADMIN);
    expect([over.status, over.headers.get("content-type"), over.headers.get("retry-after")]).toEqual([
      429,
      "application/problem+json",
      "15",
    ]);
    const problem = (await over.json()) as { code: string; detail: string; limit: number };
    expect(problem).toMatchObject({ code: "rate_limited", limit: MAX_STREAMS_PER_TOKEN });
    expect(problem.detail).toContain(`already holds ${MAX_STREAMS_PER_TOKEN} open match streams`);

    // Another token is counted on its own.
    const other = await open(
      { authorization: "Bearer a-dashboard-read-token" },
      { ...renv, ADMIN_TOKENS: READ_TOKENS },
    );
    expect(other.status).toBe(200);
    await other.body?.cancel();

    // A reader that disconnects gives its place back at once, not at the next heartbeat (15 s): one
    // that has read all it was sent, so no write is pending to notice it.
    const leaving = streams.pop();
    await leaving?.readUntil((r) => r.text.includes("id: "), 5_000);
    await leaving?.close();
    let again = await open(ADMIN);
    for (let i = 0; again.status === 429 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await open(ADMIN);
    }
    expect(again.status).toBe(200);
    await again.body?.cancel();
    for (const s of streams) await s.close();
  });
});
