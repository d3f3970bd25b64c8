/**
 * Reads the executable parts of README.md, so a test can hold the README to what the fabric does.
 *
 * - A fenced block whose info string is `bash walkthrough` holds commands, each followed by the
 *   output it prints as `# → …` lines. Other `#` lines are prose for the reader. An `export …`
 *   line sets variables for the commands after it in its block (`setup`), as in a shell session.
 * - A fenced block whose info string is `json <schema>` (`json predicate`, `json monitor`,
 *   `json facts`) is an example body the named schema must accept.
 * - In an expected output, `…` stands for any text (ids, ULIDs, wall-clock times, elided parts).
 *
 * @example walkthroughSteps(readFileSync("README.md", "utf8"))[0] // { command: "curl -s …/healthz", expected: ["{…}"], line: 42 }
 */
export type Step = { command: string; expected: string[]; line: number; setup: string };
export type JsonExample = { schema: string; text: string; line: number };

type Block = { info: string; lines: string[]; line: number };

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let open: Block | undefined;
  for (const [i, raw] of markdown.split("\n").entries()) {
    const fence = /^```(.*)$/.exec(raw.trim());
    if (open) {
      if (fence && fence[1] === "") {
        blocks.push(open);
        open = undefined;
      } else open.lines.push(raw);
    } else if (fence) open = { info: (fence[1] ?? "").trim(), lines: [], line: i + 2 };
  }
  return blocks;
}

export function walkthroughSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const block of fencedBlocks(markdown).filter((b) => b.info === "bash walkthrough")) {
    let step: Step | undefined;
    let setup = "";
    for (const [i, raw] of block.lines.entries()) {
      const line = raw.trimEnd();
      const output = /^#\s*→\s?(.*)$/.exec(line.trim());
      const starts = !step || step.expected.length > 0;
      if (starts && line.startsWith("export ")) {
        setup += `${line}\n`;
      } else if (output) {
        if (!step) throw new Error(`README line ${block.line + i}: an expected output with no command above it`);
        step.expected.push(output[1] ?? "");
      } else if (line.trim() === "" || line.trim().startsWith("#")) {
        // A blank line or prose for the reader.
      } else if (!step || starts) {
        step = { command: line, expected: [], line: block.line + i, setup };
        steps.push(step);
      } else step.command += `\n${line}`;
    }
  }
  return steps;
}

export function jsonExamples(markdown: string): JsonExample[] {
  return fencedBlocks(markdown)
    .filter((b) => /^json \w+$/.test(b.info))
    .map((b) => ({ schema: b.info.slice(5), text: b.lines.join("\n"), line: b.line }));
}

/** Does a command's output match the expected lines (`…` = any text, surrounding space ignored)? */
export function outputMatches(expected: string[], output: string): boolean {
  const pattern = expected
    .map((l) => l.trim())
    .join("\n")
    .split("…")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*?");
  const actual = output
    .trim()
    .split("\n")
    .map((l) => l.trim())
    .join("\n");
  return new RegExp(`^${pattern}$`).test(actual);
}

/**
 * A command that only reads may be retried until its output shows: no curl -X POST/PUT/DELETE/PATCH
 * and no `fabric` command that writes (push, monitors put/rm/delete, rebuild, dead-letter replay).
 */
export function isRead(command: string): boolean {
  const fabricWrite = /\bfabric\s+(push|facts\s+push|monitors\s+(put|rm|delete)|rebuild|(dlq|dead-letters)\s+replay)\b/;
  return !/-X\s*(POST|PUT|DELETE|PATCH)\b/.test(command) && !fabricWrite.test(command);
}
