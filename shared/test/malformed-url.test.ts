import { describe, expect, it } from "vitest";
import { malformedUrlIssue, malformedUrlProblem } from "../src/http/malformed-url";

describe("a URL that does not percent-decode", () => {
  it.each([
    ["http://x/v1/monitors/%E0%A4%A", "path", '"%E0%A4%A"'],
    ["http://x/v1/monitors/%", "path", '"%"'],
    ["http://x/v1/monitors/m-1/matches?after=%zz", "query.after", '"%zz"'],
    ["http://x/v1/monitors/m-1/matches?%C3%28=1", "query", '"%C3%28"'],
  ])("%s names the part (%s) and how to write it", (url, path, part) => {
    const issue = malformedUrlIssue(url);
    expect(issue?.path).toBe(path);
    expect(issue?.message).toContain(`malformed percent-escape in ${part}`);
    expect(issue?.message).toContain("write a literal % as %25");
  });

  it.each([
    "http://x/v1/monitors/a%20b",
    "http://x/v1/monitors/%C3%A9?after=%25&limit=5",
    "http://x/v1/monitors/x?q=a+b",
  ])("%s decodes", (url) => {
    expect(malformedUrlIssue(url)).toBeUndefined();
  });

  it("is a 400 whose detail says where", () => {
    const p = malformedUrlProblem(malformedUrlIssue("http://x/v1/monitors/%E0%A4%A"));
    expect(p).toMatchObject({ status: 400, code: "validation", errors: [{ path: "path" }] });
    expect(p.detail).toMatch(/^The request path has a malformed percent-escape in "%E0%A4%A": each % must begin/);
  });
});
