import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { docsPage, VIEWER_PATH } from "../../src/docs-page";

// The browser test (test-browser/) proves the page renders offline; these pin down why it can.
describe("the /docs page", () => {
  const { html, headers } = docsPage("/openapi.json");

  it("loads the viewer from this origin, at the exact version package.json pins", () => {
    const pinned = JSON.parse(readFileSync("package.json", "utf8")).dependencies["swagger-ui-dist"];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(VIEWER_PATH).toBe(`/docs/swagger-ui/${pinned}`);
    const links = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(links).toEqual([
      "data:,",
      `${VIEWER_PATH}/swagger-ui.css`,
      "/openapi.json",
      `${VIEWER_PATH}/swagger-ui-bundle.js`,
    ]);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("tells the browser to contact no other origin, and runs only its own inline script", () => {
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(docsPage("/openapi.json").headers["content-security-policy"]).not.toBe(csp);
  });

  it("sends no referrer and no sniffing, as the console does", () => {
    expect(headers["referrer-policy"]).toBe("no-referrer");
    expect(headers["x-content-type-options"]).toBe("nosniff");
  });

  it("turns off Swagger UI's call to its online validator", () => {
    expect(html).toContain('"validatorUrl":null');
  });
});
