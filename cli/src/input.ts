import type { FactInput } from "../../shared/src/facts";
import type { Deps } from "./deps";
import { UsageError } from "./deps";

/**
 * Reads `--file <path>` (or `-` / no file: stdin) as text, with a one-line error when it cannot.
 * No file at all on a terminal is a usage error: reading it would wait, silently, for Ctrl-D.
 */
export async function readInput(deps: Deps, file: string | undefined): Promise<{ text: string; name: string }> {
  if (!file && deps.stdinIsTTY) throw new UsageError("no input: give a file, or - to read stdin (or pipe it in)");
  if (!file || file === "-") return { text: await deps.readStdin(), name: "stdin" };
  try {
    return { text: await deps.readFile(file), name: file };
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new UsageError(`cannot read ${file} (${why}): check the path`);
  }
}

export function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${name} is not JSON (${e instanceof Error ? e.message : e})`);
  }
}

/**
 * Facts from a JSON array, `{ "facts": [...] }`, one JSON fact, or NDJSON (one fact per line;
 * blank lines skipped). A bad NDJSON line is named by its number.
 */
export function parseFacts(text: string, name: string): FactInput[] {
  const trimmed = text.trim();
  if (!trimmed) throw new UsageError(`${name} holds no facts`);
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    whole = undefined;
  }
  if (Array.isArray(whole)) return whole as FactInput[];
  if (whole && typeof whole === "object") {
    const facts = (whole as { facts?: unknown }).facts;
    return (Array.isArray(facts) ? facts : [whole]) as FactInput[];
  }
  const out: FactInput[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as FactInput);
    } catch {
      throw new UsageError(`${name} line ${i + 1} is not JSON: give a JSON array or NDJSON (one fact per line)`);
    }
  }
  return out;
}
