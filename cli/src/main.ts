import { readFile } from "node:fs/promises";
import { run } from "./program";

/** The real process's streams, environment and fetch (tests call `run` with their own). */
export function main(argv: string[]): Promise<number> {
  // A reader that stops early (`fabric monitors list --json | head`) closes the pipe: that ends
  // the command quietly, as it does for other Unix tools, instead of an unhandled EPIPE trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
      process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    });
  }
  return run(argv, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    errStream: process.stderr,
    outIsTTY: process.stdout.isTTY === true,
    ...(process.stdout.isTTY && process.stdout.columns ? { outColumns: process.stdout.columns } : {}),
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    readFile: (path) => readFile(path, "utf8"),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  });
}
