import { readFile } from "node:fs/promises";
import { run } from "./program";

/** The real process's streams, environment and fetch (tests call `run` with their own). */
export function main(argv: string[]): Promise<number> {
  return run(argv, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    errStream: process.stderr,
    outIsTTY: process.stdout.isTTY === true,
    env: process.env,
    readFile: (path) => readFile(path, "utf8"),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  });
}
