import type { MiddlewareHandler } from "hono";
import { ProblemError, type ProblemIssue, problem } from "../problem";

/**
 * A URL whose path or query has a malformed percent-escape (`/v1/monitors/%E0%A4%A`, `?after=%`)
 * is a 400 problem+json that says which part and how to write it, before any route reads it (a
 * router would otherwise match the raw text and answer about a parameter the client never sent).
 *
 * @example app.use("*", rejectMalformedUrl);
 */
export const rejectMalformedUrl: MiddlewareHandler = async (c, next) => {
  const fault = malformedUrlIssue(c.req.url);
  if (fault) throw new ProblemError(malformedUrlProblem(fault));
  await next();
};

const HOW = "each % must begin an escape %XX of hex digits that together form UTF-8; write a literal % as %25";

/** The first part of a URL that does not percent-decode, as a problem error; undefined if none. */
export function malformedUrlIssue(url: string): ProblemIssue | undefined {
  const { pathname, search } = new URL(url);
  for (const segment of pathname.split("/")) {
    if (!decodes(segment)) return { path: "path", message: `malformed percent-escape in "${clip(segment)}": ${HOW}` };
  }
  for (const pair of search.slice(1).split("&")) {
    const [name = "", value = ""] = pair.split("=", 2);
    if (!decodes(name)) return { path: "query", message: `malformed percent-escape in "${clip(name)}": ${HOW}` };
    if (!decodes(value.replaceAll("+", " "))) {
      return { path: `query.${name}`, message: `malformed percent-escape in "${clip(value)}": ${HOW}` };
    }
  }
  return undefined;
}

/** The problem for a URL that does not decode (also what onError answers for a URIError). */
export function malformedUrlProblem(fault?: ProblemIssue) {
  const where = fault?.path === "path" ? "path" : fault ? "query string" : "URL";
  const detail = `The request ${where} has a ${fault ? fault.message : `malformed percent-escape: ${HOW}`}`;
  return problem("validation", detail, fault ? { errors: [fault] } : {});
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);
