import type { FetchLike } from "../../client/src/index";

/** Everything the CLI touches outside itself, so tests inject a fake fetch and capture output. */
export type Deps = {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Where progress bars draw (stderr; a bar draws only when it is a TTY). */
  errStream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Whether stdout is a terminal (then a backtest's sparkline marks matches in reverse video too). */
  outIsTTY?: boolean;
  /** Stdout's width in characters when it is a terminal: long table cells wrap to fit it. */
  outColumns?: number;
  env: Record<string, string | undefined>;
  readFile: (path: string) => Promise<string>;
  readStdin: () => Promise<string>;
  /** Whether stdin is a terminal: then a command given no file would wait, unprompted, for typing. */
  stdinIsTTY?: boolean;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** The clock for ages in tables ("12 s ago"); Date.now when absent. */
  now?: () => number;
  /** Ends `matches --follow` (the real process ends it with Ctrl-C). */
  signal?: AbortSignal;
};

/** A mistake in how the command was called or in its input: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
