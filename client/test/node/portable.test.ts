import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as shared from "../../../shared/src/facts";
import { MAX_BODY_BYTES, MAX_FACTS_PER_REQUEST } from "../../src/push";

/**
 * The client runs on Node ≥ 18, Workers and browsers: its runtime imports from shared/ are the
 * Web Crypto signer and the SSE parser only (everything else is `import type`), both free of
 * imports themselves; it names no node: module, and its
 * copy of the request limits equals the fabric's.
 */
const SRC = "client/src"; // vitest runs from the repository root
const files = readdirSync(SRC).filter((f) => f.endsWith(".ts"));

describe("client portability", () => {
  it("imports only types from shared/, besides push-signature and sse, and no node: module", () => {
    for (const f of files) {
      const text = readFileSync(`${SRC}/${f}`, "utf8");
      for (const line of text.split("\n").filter((l) => /^import .* from /.test(l))) {
        expect(line, `${f}: ${line}`).not.toMatch(/from "node:/);
        if (line.includes("/shared/src/") && !line.startsWith("import type")) {
          expect(line, `${f}: ${line}`).toMatch(/shared\/src\/(push-signature|sse)"/);
        }
      }
    }
    const signer = readFileSync("shared/src/push-signature.ts", "utf8");
    expect(signer.match(/^import .*$/gm)).toEqual(['import { hmacSha256, hmacSha256Verify } from "./auth";']);
    for (const bare of ["shared/src/auth.ts", "shared/src/sse.ts"]) {
      expect(readFileSync(bare, "utf8"), bare).not.toMatch(/^import /m);
    }
  });

  it("splits under the fabric's own limits", () => {
    expect(MAX_FACTS_PER_REQUEST).toBe(shared.MAX_FACTS_PER_REQUEST);
    expect(MAX_BODY_BYTES).toBe(shared.MAX_BODY_BYTES);
  });
});
