import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ProblemError, problem } from "../problem";

/**
 * Request-size limit enforced before any parsing (a declared Content-Length over it is refused
 * unread; a streamed body is cut off at the limit): 413 problem+json.
 *
 * @example app.use("*", limitBody(256 * 1024));
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError(problem("too_large", `The request body exceeds ${maxBytes} bytes`));
    },
  });
}

/** Admin and registry bodies are small: a monitor at every predicate limit is well under this. */
export const ADMIN_BODY_LIMIT = 256 * 1024;
