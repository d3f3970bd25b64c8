import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ProblemError, problem, problemResponse } from "../problem";
import { malformedUrlProblem } from "./malformed-url";

/**
 * The one error handler every Worker's Hono app installs: typed domain errors and HTTPExceptions
 * become problem+json, a URIError (a malformed percent-escape) a 400; anything else is a 500 that
 * names no internals (the cause goes to the log).
 *
 * @example app.onError(onError); app.notFound(routeNotFound(app));
 */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ProblemError) return problemResponse(err.problem, err.headers);
  // decodeURIComponent on a malformed escape, wherever a route or the router met one.
  if (err instanceof URIError) return problemResponse(malformedUrlProblem());
  if (err instanceof HTTPException) {
    // @hono/zod-openapi's gate for a route that takes a JSON body: keep its 415 (not a 400) and say
    // what to send, as POST /v1/facts does.
    if (err.status === 415) return problemResponse(unsupportedMediaType(c.req.header("content-type")));
    const code = err.status === 401 ? "unauthorized" : err.status === 413 ? "too_large" : "validation";
    return problemResponse(problem(code, err.message || "Request rejected"));
  }
  console.error(JSON.stringify({ level: "error", msg: "unhandled error", path: c.req.path, error: String(err) }));
  return problemResponse(problem("internal", "An unexpected error occurred; it has been logged"));
}

function unsupportedMediaType(sent: string | undefined) {
  return problem(
    "unsupported_media_type",
    `This route takes a JSON body: send Content-Type: application/json (got ${JSON.stringify(sent ?? "none")})`,
  );
}
