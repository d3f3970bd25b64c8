import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The real `fabric` process (cli/fabric.mjs), for what only the process has: its stdout pipe. */
const BIN = resolve(import.meta.dirname, "../../fabric.mjs");

describe("the fabric process", () => {
  it("ends quietly with exit 0 when the reader of its stdout has gone (fabric … | head)", async () => {
    const child = spawn(process.execPath, [BIN, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    // The reading end closes before the CLI writes a byte, as `head` does once it has its lines.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toContain("EPIPE");
    expect(stderr).toBe("");
    expect(code).toBe(0);
  }, 30_000);
});
