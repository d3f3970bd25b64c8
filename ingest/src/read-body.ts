import { decode } from "../../shared/src/codec";
import { fail } from "../../shared/src/problem";

/**
 * Reads a request body as JSON or msgpack under a byte limit. The limit is enforced before any
 * parsing: a declared Content-Length over it is refused unread, and a streamed body is cut off
 * at the limit.
 *
 * @example const body = await readBody(request, 1024 * 1024); // unknown, to validate with zod
 */
export type BodyFormat = "json" | "msgpack";

export function bodyFormat(contentType: string | null): BodyFormat {
  const mime = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mime === "application/json") return "json";
  if (mime === "application/msgpack" || mime === "application/x-msgpack" || mime === "application/vnd.msgpack") {
    return "msgpack";
  }
  fail(
    "unsupported_media_type",
    `Content-Type must be application/json or application/msgpack, got "${mime || "none"}"`,
  );
}

export async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) tooLarge(limit);
  if (!request.body) return new Uint8Array();
  // A declared length bounds the body (HTTP framing): read it in one piece. Only a chunked body
  // needs reading piece by piece to be cut off at the limit.
  if (Number.isFinite(declared)) return new Uint8Array(await request.arrayBuffer());
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function tooLarge(limit: number): never {
  fail("too_large", `The request body exceeds ${limit} bytes`);
}

export function parseBody(bytes: Uint8Array, format: BodyFormat): unknown {
  try {
    if (format === "json") return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
    return decode<unknown>(bytes);
  } catch {
    fail("validation", `The request body is not valid ${format === "json" ? "JSON" : "msgpack"}`);
  }
}
