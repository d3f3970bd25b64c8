import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ENGINE = resolve(import.meta.dirname, "../../src/engine");

/** Each engine module's imports of other engine modules (type-only imports and re-exports count). */
function engineGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    // TypeScript's own scanner: import, import type, export … from, side-effect imports; not comments or strings.
    const { importedFiles } = ts.preProcessFile(readFileSync(join(dir, file), "utf8"), true, false);
    const deps = importedFiles
      .map((ref) => ref.fileName)
      .filter((spec) => spec.startsWith("./"))
      .map((spec) => `${spec.slice(2).replace(/\.ts$/, "")}.ts`)
      .filter((dep) => files.includes(dep));
    graph.set(file, deps);
  }
  return graph;
}

/** Every cycle a depth-first search meets, each as the modules along it (first one repeated at the end). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    path.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (state.get(dep) === "open") found.push([...path.slice(path.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

function reachable(graph: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of graph.get(file) ?? []) walk(dep);
  };
  walk(from);
  return seen;
}

describe("engine module graph", () => {
  const graph = engineGraph(ENGINE);

  it("reads the engine's imports, type-only ones included", () => {
    expect(graph.get("indexed-engine.ts")).toContain("runtime-types.ts");
    expect(graph.get("source.ts")).toContain("condition-state.ts");
  });

  it("has no import cycle, counting type-only imports", () => {
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const g = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(g)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });

  it("keeps the reference evaluator out of the indexed engine's imports", () => {
    expect([...reachable(graph, "indexed-engine.ts")]).not.toContain("reference.ts");
  });
});
