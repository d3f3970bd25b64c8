/**
 * `npm run bench`'s closing line: per step its exit and seconds, and the headline figures of the
 * results file it wrote in this run. A step that failed, or whose results file was not written
 * during the step (a crash before reporting leaves the committed file of an earlier run), gets no
 * figures: the summary must never show an earlier run's figures as this one's.
 *
 * @example summarize([{ script: "bench:shard", result: "shard", status: 0, signal: null, startedAt, endedAt }], read)
 */
export type StepRun = {
  script: string;
  /** Its file under load-tests/results/, without `.json`. */
  result: string;
  status: number | null;
  signal: string | null;
  startedAt: number;
  endedAt: number;
};

export type StepSummary = {
  exit: number | string;
  seconds: number;
  figures?: Record<string, unknown>;
  note?: string;
};

export function summarize(
  steps: StepRun[],
  readResult: (name: string) => Record<string, unknown> | undefined,
): { ok: boolean; steps: Record<string, StepSummary> } {
  const out: Record<string, StepSummary> = {};
  for (const s of steps) {
    const summary: StepSummary = {
      exit: s.status ?? s.signal ?? "unknown",
      seconds: Math.round((s.endedAt - s.startedAt) / 1000),
    };
    const file = s.status === 0 ? readResult(s.result) : undefined;
    const measuredAt = typeof file?.measuredAt === "string" ? Date.parse(file.measuredAt) : Number.NaN;
    if (file && measuredAt >= s.startedAt && measuredAt <= s.endedAt) {
      const { rows: _rows, bench: _bench, title: _title, measuredAt: _at, ...figures } = file;
      summary.figures = figures;
    } else if (s.status === 0) {
      summary.note = `load-tests/results/${s.result}.json was not written by this run`;
    }
    out[s.script] = summary;
  }
  const ok = steps.every((s) => s.status === 0) && Object.values(out).every((s) => s.figures !== undefined);
  return { ok, steps: out };
}
