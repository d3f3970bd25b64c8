import type { MiddlewareHandler } from "hono";
import { fail } from "../problem";

/**
 * Bodies are read as sent: a compressed one (`Content-Encoding: gzip`) would fail as malformed
 * JSON, which points the client at the wrong fix. It is a 415 that says to send it uncompressed.
 *
 * @example refuseContentEncoding(request.headers.get("content-encoding"), "JSON or msgpack, at most 1 MiB");
 */
export function refuseContentEncoding(contentEncoding: string | null | undefined, takes = "JSON"): void {
  const coding = (contentEncoding ?? "").trim().toLowerCase();
  if (coding === "" || coding === "identity") return;
  fail("unsupported_media_type", `Content-Encoding "${coding}" is not accepted: send the body uncompressed (${takes})`);
}

/** The same for every route of an app that takes JSON bodies. @example app.use("*", rejectEncodedBody); */
export const rejectEncodedBody: MiddlewareHandler = async (c, next) => {
  refuseContentEncoding(c.req.header("content-encoding"));
  await next();
};
