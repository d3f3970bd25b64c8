import { z } from "zod";
import { nearest } from "./nearest";

/**
 * Words a zod issue as what was expected at its path and what came instead, from the schema that
 * raised it: an enum lists its options, a number its bounds, a strict object its keys (with a
 * "did you mean" for a near miss), a union its alternatives. Installed once as zod's global error
 * map (problem.ts), so every parse in every Worker, route hooks included, speaks this way; a
 * message a schema sets itself (a refinement's, a regex's) is kept.
 *
 * @example z.config({ customError: fixItMessage });
 * // { op: "greater_than" } → 'expected one of gt, gte, …, crosses_below; got "greater_than"'
 */
export const fixItMessage: z.core.$ZodErrorMap = (issue) => {
  const schema = issue.inst && "_zod" in issue.inst && "def" in issue.inst._zod ? (issue.inst as Schema) : undefined;
  const owner = (issue as { schema?: Schema }).schema ?? schema;
  switch (issue.code) {
    case "invalid_type":
      return typeMessage(owner, issue.input, issue.expected);
    case "invalid_value":
      return choiceMessage(issue.values.map(String), issue.input);
    case "unrecognized_keys":
      return unknownKeysMessage(issue.keys, owner, issue.input);
    case "too_big":
    case "too_small":
      return sizeMessage(issue, owner);
    case "invalid_format":
      return issue.format === "datetime"
        ? `expected an RFC 3339 date-time with an offset, e.g. "2026-11-22T10:00:00Z"; got ${shown(issue.input)}`
        : undefined;
    case "invalid_union":
      return unionMessage(issue, owner);
    default:
      return undefined;
  }
};

type Schema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;
const defOf = (s: Schema): Def => s._zod.def as unknown as Def;

/** What a coerced parameter that was not a number reads as (explain.ts shows the text sent). */
export const NOT_A_NUMBER = "a value that is not a number";

/** How a value that came instead reads in a message: `the string "100"`, `5000`, `keys "and"`. */
export function shown(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v)}`;
  if (typeof v === "number") return Number.isNaN(v) ? NOT_A_NUMBER : String(v);
  if (v === null || typeof v === "boolean") return String(v);
  // msgpack decodes a timestamp to a Date and bin to bytes: neither is an "empty object" to the sender.
  if (v instanceof Date) return "a date (a msgpack timestamp)";
  if (v instanceof Uint8Array) return `binary data of ${v.length} bytes`;
  if (Array.isArray(v)) return v.length === 0 ? "an empty array" : `an array of ${v.length}`;
  if (typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 0) return "an empty object";
    return `keys ${quoteList(keys.slice(0, 8))}${keys.length > 8 ? ", …" : ""}`;
  }
  return typeof v;
}

const quoteList = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(", ");
const orList = (xs: string[]) => (xs.length < 2 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} or ${xs.at(-1)}`);

/** What a schema accepts, in a few words: `an integer from 1 to 1000`, `one of abs, pct`, `{all}`. */
export function describe(s: Schema, inUnion = false): string {
  const def = defOf(s);
  const inner = (def.innerType ?? def.in) as Schema | undefined;
  if (inner) return describe(inner, inUnion);
  switch (def.type) {
    case "lazy":
      return describe((def.getter as () => Schema)(), inUnion);
    case "number":
      return numberWords(s);
    case "string":
      return def.format === "datetime" ? "an RFC 3339 date-time" : "a string";
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(def.entries as Record<string, string>).join(", ")}`;
    case "literal":
      return orList((def.values as unknown[]).map((v) => JSON.stringify(v)));
    case "array":
      return "an array";
    case "tuple":
      return `[${(def.items as Schema[]).map((i) => defOf(i).type).join(", ")}]`;
    case "union":
      // A discriminated union's options all read "an object": say it once.
      return orList([...new Set((def.options as Schema[]).map((o) => describe(o, true)))]);
    case "object": {
      const title = z.globalRegistry.get(s as z.ZodType)?.title;
      if (title) return `${/^[aeiou]/.test(title) ? "an" : "a"} ${title}`;
      const keys = Object.keys(def.shape as object);
      return inUnion && keys.length <= 3 ? `{${keys.join(", ")}}` : "an object";
    }
    case "record":
      return "an object";
    default:
      return def.type;
  }
}

function numberWords(s: Schema): string {
  let noun = "a number";
  let min: string | undefined;
  let max: string | undefined;
  for (const check of (defOf(s).checks ?? []) as Schema[]) {
    const c = check._zod.def as unknown as { check: string; value?: number; inclusive?: boolean; format?: string };
    if (c.check === "number_format" && c.format?.includes("int")) noun = "an integer";
    if (c.check === "greater_than") min = `${c.inclusive ? "≥" : ">"} ${c.value}`;
    if (c.check === "less_than") max = `${c.inclusive ? "≤" : "<"} ${c.value}`;
  }
  if (min?.startsWith("≥") && max?.startsWith("≤")) return `${noun} from ${min.slice(2)} to ${max.slice(2)}`;
  return [noun, min, max].filter(Boolean).join(" ");
}

/** Quoted where quotes are the mistake: a number or boolean sent as a string. */
function unquoteHint(expected: string, v: unknown): string {
  if (typeof v !== "string") return "";
  const t = v.trim();
  if (/number|integer/.test(expected) && t !== "" && Number.isFinite(Number(t))) {
    return ` (numbers are unquoted: ${Number(t)})`;
  }
  if (expected.includes("true or false") && (t === "true" || t === "false")) return ` (booleans are unquoted: ${t})`;
  return "";
}

/** A time sent as a msgpack timestamp: say the two forms a time takes, with this one's values. */
function timeHint(expected: string, v: unknown): string {
  if (!(v instanceof Date) || !expected.includes("date-time")) return "";
  const ms = v.getTime();
  if (!(ms >= 0)) return "; send a time as RFC 3339 text or as epoch ms";
  return `; send a time as RFC 3339 text (${JSON.stringify(v.toISOString())}) or as epoch ms (${ms})`;
}

function typeMessage(s: Schema | undefined, input: unknown, expectedType?: string): string {
  const expected = s ? describe(s) : "a different type";
  if (input === undefined) return `missing; expected ${expected}`;
  // Where a type was wrong, a bare number reads as a value that was checked: name its type.
  const got = typeof input === "number" && Number.isFinite(input) ? `the number ${input}` : shown(input);
  if (expectedType === "object" || expectedType === "record") return `must be an object; got ${got}`;
  return `expected ${expected}; got ${got}${unquoteHint(expected, input)}${timeHint(expected, input)}`;
}

function choiceMessage(options: string[], input: unknown): string {
  const expected = options.length === 1 ? JSON.stringify(options[0]) : `one of ${options.join(", ")}`;
  if (input === undefined) return `missing; expected ${expected}`;
  const got = typeof input === "string" ? JSON.stringify(input) : shown(input);
  const near = typeof input === "string" ? nearest(input, options) : undefined;
  return `expected ${expected}; got ${got}${near ? `; did you mean ${JSON.stringify(near)}?` : ""}`;
}

function unknownKeysMessage(keys: string[], s: Schema | undefined, input: unknown): string {
  const shape = s && defOf(s).shape ? Object.keys(defOf(s).shape as object) : [];
  const present = input && typeof input === "object" ? Object.keys(input) : [];
  const free = shape.filter((k) => !present.includes(k));
  const parts = keys.map((k) => {
    const near = nearest(k, free);
    if (!near) return JSON.stringify(k);
    const hint = `did you mean ${JSON.stringify(near)}?`;
    return keys.length === 1 ? `${JSON.stringify(k)}; ${hint}` : `${JSON.stringify(k)} (${hint})`;
  });
  const expected =
    keys.some((k) => nearest(k, free)) || shape.length === 0 ? "" : `; expected keys: ${shape.join(", ")}`;
  return `unknown ${keys.length === 1 ? "key" : "keys"} ${parts.join(", ")}${expected}`;
}

function sizeMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall>, s?: Schema) {
  const big = issue.code === "too_big";
  const limit = Number(big ? issue.maximum : issue.minimum);
  const exact = !(issue.inclusive ?? true);
  const count = exact ? limit + (big ? -1 : 1) : limit;
  const bound = `${big ? "at most" : "at least"} ${count}`;
  const input = issue.input;
  if (issue.origin === "number" || issue.origin === "int") {
    const expected = s && defOf(s).type === "number" ? numberWords(s) : `a number ${bound}`;
    return `must be ${expected}; got ${shown(input)}`;
  }
  const length = sizeOf(input);
  if (!big && limit === 1 && length === 0) return `must not be empty`;
  const [one, many] = SIZE_UNITS[String(issue.origin)] ?? ["item", "items"];
  return `must have ${bound} ${count === 1 ? one : many}${length === undefined ? "" : `; got ${length}`}`;
}

/** What a size bound counts, in the singular and the plural ("at least 1 character", "at most 32 items"). */
const SIZE_UNITS: Record<string, [string, string]> = {
  string: ["character", "characters"],
  array: ["item", "items"],
  set: ["item", "items"],
  file: ["byte", "bytes"],
};

/** The size a bound was checked against: a string's or array's length, a set's size, an object's key count. */
function sizeOf(input: unknown): number | undefined {
  if (typeof input === "string") return input.length;
  if (input instanceof Set || input instanceof Map) return input.size;
  if (typeof input === "object" && input !== null) {
    const { length } = input as { length?: unknown };
    return typeof length === "number" ? length : Object.keys(input).length;
  }
  return undefined;
}

function unionMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>, s?: Schema): string | undefined {
  const raw = issue as { discriminator?: string; options?: unknown[]; input?: unknown };
  if (raw.discriminator && raw.options) {
    const value = (raw.input as Record<string, unknown> | undefined)?.[raw.discriminator];
    return choiceMessage(raw.options.map(String), value);
  }
  if (!s || defOf(s).type !== "union") return undefined;
  const expected = describe(s, true);
  if (issue.input === undefined) return `missing; expected ${expected}`;
  return `expected ${expected}; got ${shown(issue.input)}${unquoteHint(expected, issue.input)}${timeHint(expected, issue.input)}`;
}
