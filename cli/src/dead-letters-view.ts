import type { DeadLetter, ReplayAllSummary } from "../../client/src/index";
import { count, table } from "./output";

const HEAD = ["id", "failed at", "attempts", "reason", "replayed"];
/** How wide the reason column is when the terminal's width is not known (output to a pipe or file). */
const REASON_WIDTH = 48;
/** The narrowest the reason column gets on a narrow terminal, still a few words a line. */
const MIN_REASON_WIDTH = 20;

/**
 * `fabric dlq list <queue>` for a person: one row per dead letter with its id, when it failed, the
 * attempts, the reason wrapped to fit (whole, over several lines) and whether it was replayed. The
 * body is left out (only the events queue lists it; `--json` shows every field).
 *
 * @example out(deadLettersView(await client.deadLetters.list("wakes"), process.stdout.columns))
 */
export function deadLettersView(list: DeadLetter[], columns?: number): string {
  const rows = list.map((d) => [d.id, seconds(d.failed_at), count(d.attempts), d.reason ?? "", replayed(d)]);
  // The reason takes what the other columns leave of the terminal: each is its widest line, plus
  // one space of padding either side, plus the six borders.
  const others = [0, 1, 2, 4].reduce((sum, c) => sum + widest([HEAD[c], ...rows.map((r) => r[c])]) + 2, 6);
  const reason = columns ? Math.max(MIN_REASON_WIDTH, columns - others - 2) : REASON_WIDTH;
  return table(HEAD, rows, { right: [2], colWidths: [null, null, null, reason + 2, null], wrap: true });
}

/** "no", or how often and (on a second line) when it was last replayed. */
function replayed(d: DeadLetter): string {
  if (d.replayed_at == null) return "no";
  const times = typeof d.replay_count === "number" ? `yes, ${d.replay_count}×` : "yes";
  return `${times}\n${seconds(d.replayed_at)}`;
}

/** Epoch ms as RFC 3339 to the second (2026-12-05T20:06:49Z): milliseconds do not matter here and cost width. */
function seconds(ms: unknown): string {
  return typeof ms === "number" ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z") : String(ms ?? "");
}

function widest(cells: unknown[]): number {
  return Math.max(...cells.flatMap((c) => String(c ?? "").split("\n")).map((l) => l.length));
}

/**
 * `fabric dlq replay <queue> --all` for a person: the counts, then each failure with its reason and
 * each dead letter that was gone, one a line.
 *
 * @example out(replaySummaryView(await client.deadLetters.replayAll("facts")))
 */
export function replaySummaryView(s: ReplayAllSummary): string {
  const lines = [
    `${s.interrupted ? "interrupted: " : ""}replayed ${s.replayed} of the ${s.listed} dead letters of ${s.queue}`,
    `  already replayed before (skipped): ${s.alreadyReplayed}`,
    `  already gone: ${s.gone.length}`,
    `  failed: ${s.failed.length}`,
    ...firstOf(s.failed.map((f) => `${f.id}: ${f.status ? `${f.status} ` : ""}${f.reason}`)).map((l) => `    ${l}`),
    ...(s.gone.length ? [`  gone: ${firstOf(s.gone).join(", ")}`] : []),
  ];
  if (s.failed.length > LISTED || s.gone.length > LISTED)
    lines.push(`(the first ${LISTED} of each; --json lists them all)`);
  if (s.interrupted) lines.push("run the same command again to replay the rest (those replayed are skipped)");
  return `${lines.join("\n")}\n`;
}

/** After an outage thousands may fail or be gone: a terminal gets the first few, --json gets all. */
const LISTED = 20;

function firstOf(items: string[]): string[] {
  return items.length > LISTED ? [...items.slice(0, LISTED), `… ${items.length - LISTED} more`] : items;
}
