import { PassThrough } from "node:stream";
import { fakeFetch, type Recorded } from "../../../client/test/node/fake-fetch";
import { run } from "../../src/program";

/**
 * Runs the CLI in-process against a scripted fetch: what it printed on stdout and stderr, what its
 * progress bars drew (`drawn`), its exit code and the requests it made.
 *
 * @example const r = await cli(["stats", "--json"], () => Response.json({ facts: 1 }));
 */
export async function cli(
  argv: string[],
  answer: (req: Recorded, n: number) => Response | Promise<Response> = () => Response.json({}),
  opts: {
    files?: Record<string, string>;
    stdin?: string;
    stdinIsTTY?: boolean;
    env?: Record<string, string>;
    signal?: AbortSignal;
    /** The clock tables measure ages from ("12 s ago"). */
    now?: number;
    /** Stdout's width, as a terminal would report it. */
    outColumns?: number;
  } = {},
) {
  let out = "";
  let err = "";
  const { fetch, calls } = fakeFetch(answer);
  const errStream = new PassThrough();
  let drawn = "";
  errStream.on("data", (b: Buffer) => {
    drawn += b.toString();
  });
  const code = await run(argv, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    errStream,
    env: opts.env ?? { FABRIC_URL: "http://fabric.test", FABRIC_TOKEN: "admin-t" },
    readFile: async (p) => {
      const text = opts.files?.[p];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
      return text;
    },
    readStdin: async () => opts.stdin ?? "",
    ...(opts.stdinIsTTY ? { stdinIsTTY: true } : {}),
    fetch,
    sleep: async () => {},
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(typeof opts.now === "number"
      ? {
          now: (
            (at: number) => () =>
              at
          )(opts.now),
        }
      : {}),
    ...(opts.outColumns ? { outColumns: opts.outColumns } : {}),
  });
  return { code, out, err, calls, drawn };
}

/** A problem+json answer with title "Refused" and detail "why" (extras override). */
export function problem(status: number, extra: Record<string, unknown> = {}): Response {
  return new Response(
    JSON.stringify({ type: "about:blank", title: "Refused", status, detail: "why", code: "x", ...extra }),
    { status, headers: { "content-type": "application/problem+json" } },
  );
}

/** A match as the matches route answers it, numbered so a test can tell them apart. */
export const match = (i: number) => ({
  matchId: `mt-${i}`,
  monitorId: "m1",
  monitorVersion: 1,
  eventId: `ev-${i}`,
  observedAt: 1795341660000 + i,
  workflowId: "wf",
  portfolioId: null,
  triggerEvent: { kind: "market_price", subject: { symbol: "BTC" }, observedAt: 0, data: { price: i }, eventId: "" },
});
