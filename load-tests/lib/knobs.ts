/**
 * The benches' size knobs (environment variables), parsed strictly: `MONITORS=abc` or
 * `DURATION=-5` must stop the run with a message naming the knob and what it takes, not run
 * with NaN (an empty workload, a crash on `null.toLocaleString` minutes later) or a silently
 * different size. `readKnobs` turns a bad knob into that one line on stderr and exit code 2.
 *
 * @example const { n, seconds } = readKnobs(() => ({ n: countKnob("N", 100_000), seconds: numberKnob("SECONDS", 4.5) }));
 */
export class KnobError extends Error {}

type Env = Record<string, string | undefined>;
type Bounds = { min?: number; env?: Env };

const expectation = (integer: boolean, min: number) =>
  `${integer ? "a whole number" : "a number"} ${min === Number.MIN_VALUE ? "> 0" : `>= ${min.toLocaleString("en-US")}`}`;

function parse(name: string, raw: string, integer: boolean, min: number, example: number): number {
  const text = raw.trim();
  const value = text === "" ? Number.NaN : Number(text.replaceAll("_", ""));
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
    throw new KnobError(`${name}=${raw} is not ${expectation(integer, min)} (e.g. ${name}=${example})`);
  }
  return value;
}

/** A whole number knob (sizes, counts, rates), at least `min` (default 1). */
export function countKnob(name: string, fallback: number, o: Bounds = {}): number {
  const raw = (o.env ?? process.env)[name];
  return raw === undefined ? fallback : parse(name, raw, true, o.min ?? 1, fallback);
}

/** A number knob (seconds), above zero unless `min` says otherwise. */
export function numberKnob(name: string, fallback: number, o: Bounds = {}): number {
  const raw = (o.env ?? process.env)[name];
  return raw === undefined ? fallback : parse(name, raw, false, o.min ?? Number.MIN_VALUE, fallback);
}

/** A comma list of whole numbers (`SIZES=1000,10000`), each at least `min` (default 1), none empty. */
export function countListKnob(name: string, fallback: number[], o: Bounds = {}): number[] {
  const raw = (o.env ?? process.env)[name];
  if (raw === undefined) return fallback;
  const example = fallback.join(",");
  const items = raw.split(",");
  return items.map((item) => {
    try {
      return parse(name, item, true, o.min ?? 1, fallback[0] ?? 1);
    } catch {
      throw new KnobError(
        `${name}=${raw}: "${item.trim()}" is not ${expectation(true, o.min ?? 1)} (e.g. ${name}=${example})`,
      );
    }
  });
}

/** An on/off knob (`FLOOR=0`, `KEEP=1`): 1/true or 0/false; anything else is refused. */
export function flagKnob(name: string, fallback: boolean, o: { env?: Env } = {}): boolean {
  const raw = (o.env ?? process.env)[name];
  if (raw === undefined) return fallback;
  const text = raw.trim().toLowerCase();
  if (text === "1" || text === "true") return true;
  if (text === "0" || text === "false") return false;
  throw new KnobError(`${name}=${raw} is not 1 or 0 (e.g. ${name}=${fallback ? 0 : 1})`);
}

/** For a bench that must start its own fabric: BASE (a running fabric) is refused, saying why. */
export function refuseBase(why: string, o: { env?: Env } = {}): Record<string, never> {
  if ((o.env ?? process.env).BASE) throw new KnobError(`BASE is set, but ${why}: unset BASE`);
  return {};
}

/** Runs the knob reads; a KnobError ends the process with its message and exit code 2. */
export function readKnobs<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof KnobError)) throw err;
    console.error(`${err.message}; the knobs are listed in load-tests/README.md`);
    process.exit(2);
  }
}
