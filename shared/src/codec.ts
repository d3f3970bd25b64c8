import { Packr } from "msgpackr";

/**
 * The msgpack codec for queue messages. A fresh buffer per message (`useRecords: false` keeps
 * plain maps that any msgpack reader decodes); callers send the bytes with contentType "v8".
 *
 * @example const bytes = encode({ facts }); decode<{ facts: AcceptedFact[] }>(bytes)
 */
const packr = new Packr({ useRecords: false, moreTypes: false, int64AsType: "number" });

export function encode(value: unknown): Uint8Array {
  // Copy out of msgpackr's shared buffer so a later encode cannot overwrite a message in flight.
  return new Uint8Array(packr.pack(value));
}

export function decode<T>(bytes: Uint8Array | ArrayBuffer): T {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return packr.unpack(view) as T;
}

/** Byte length of a value once encoded (to pack queue messages under their size limit). */
export function encodedSize(value: unknown): number {
  return packr.pack(value).length;
}
