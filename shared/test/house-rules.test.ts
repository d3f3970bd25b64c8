import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The rules that keep the house easy to change, checked on every tracked source file: no file in
 * a Worker's folder imports another Worker's folder (what Workers share lives in shared/, and
 * shared/ imports no Worker), the browser console (console/) imports only itself, shared/ and the
 * client library (client/, built for browsers),
 * and no source file grows past 300 lines.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const WORKERS = ["ingest", "matcher", "projector", "monitor-runtime"];
const SOURCE = /\.(ts|mts|js|mjs)$/;

function trackedSources(): string[] {
  return execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => SOURCE.test(f));
}

/**
 * Every module specifier a file names: `import … from`, `export … from`, bare `import "…"` and
 * `import("…")`, found by TypeScript's own scanner (so not in comments or strings).
 */
function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName);
}

/** The top-level folder a relative import from `file` lands in. */
function folderOf(file: string, specifier: string): string {
  return relative(ROOT, resolve(dirname(join(ROOT, file)), specifier)).split("/")[0] ?? "";
}

describe("house rules", () => {
  it("finds imports of every form (the rule below would miss nothing)", () => {
    const text = `import type { A } from "../x/a";\nexport { b } from "./b";\nimport "./c";\n// import "./not-this"\nconst d = await import("../d");`;
    expect(specifiersOf(text)).toEqual(["../x/a", "./b", "./c", "../d"]);
  });

  it("no Worker imports another Worker's folder, and shared/ imports no Worker", () => {
    const crossings: string[] = [];
    for (const file of trackedSources()) {
      const own = file.split("/")[0] ?? "";
      if (!WORKERS.includes(own) && own !== "shared") continue;
      for (const spec of specifiersOf(readFileSync(join(ROOT, file), "utf8"))) {
        if (!spec.startsWith(".")) continue;
        const target = folderOf(file, spec);
        if (WORKERS.includes(target) && target !== own) crossings.push(`${file} imports ${spec}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it("the console imports only its own folder, shared/, the client library and npm packages", () => {
    const outside: string[] = [];
    for (const file of trackedSources().filter((f) => f.startsWith("console/"))) {
      for (const spec of specifiersOf(readFileSync(join(ROOT, file), "utf8"))) {
        if (spec.startsWith(".") && !["console", "shared", "client"].includes(folderOf(file, spec)))
          outside.push(`${file} imports ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("no source file is over 300 lines", () => {
    const long = trackedSources()
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1 }))
      .filter((f) => f.lines > 300)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });
});
