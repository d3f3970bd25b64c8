import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserHarness, startBrowserHarness } from "./harness";

/**
 * `/docs` as a person sees it with no internet: the reference viewer must come from the fabric
 * itself (ingest's static assets, copied from a pinned npm package), never from a CDN, a font host
 * or a proxy. Every request of the page is recorded; any off the fabric's origin fails the test.
 */
let ui: BrowserHarness | undefined;

beforeAll(async () => {
  ui = await startBrowserHarness();
}, 100_000);

afterAll(async () => {
  await ui?.close();
});

type OpenApi = { paths: Record<string, Record<string, { summary?: string }>> };
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

describe("/docs in a real browser", () => {
  it("renders every operation of /openapi.json, contacting no origin but the fabric's", async () => {
    if (!ui) throw new Error("no browser harness");
    const spec = (await (await fetch(`${ui.base}/openapi.json`)).json()) as OpenApi;
    const operations = Object.entries(spec.paths)
      .flatMap(([path, item]) => METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const pushSummary = spec.paths["/v1/facts"]?.post?.summary ?? "";
    expect(pushSummary).not.toBe("");

    const { page, offOrigin, errors } = await ui.newPage();
    await page.goto(`${ui.base}/docs`);
    const shown = await page
      .getByText(pushSummary, { exact: true })
      .waitFor({ timeout: 15_000 })
      .then(() => true)
      .catch(() => false);

    // First, so a viewer loaded from elsewhere fails with the hosts it reached for.
    expect(offOrigin(), "requests outside the fabric's origin").toEqual([]);
    expect(shown, `"POST /v1/facts: ${pushSummary}" shown`).toBe(true);
    // Swagger UI draws every operation at once (under each of its tags), as .opblock summaries.
    const listed = await page
      .locator(".opblock-summary")
      .evaluateAll((els) =>
        els.map(
          (e) =>
            `${e.querySelector(".opblock-summary-method")?.textContent} ${e.querySelector("[data-path]")?.getAttribute("data-path")}`,
        ),
      );
    expect([...new Set(listed)].sort()).toEqual(operations);
    expect(errors).toEqual([]);
  });
});
