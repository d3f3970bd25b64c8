import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults, ImpactValue } from "axe-core";
import type { Page } from "playwright-core";

/**
 * axe-core (a devDependency, pinned) run inside a console page the test has brought to a state.
 * The engine is evaluated through the browser's debugging protocol, which the console's CSP
 * (`script-src 'self'`) does not govern: nothing is served to users, and the page's own policy
 * stays as it is. Rules: WCAG 2.0/2.1 A and AA plus axe's best practices.
 *
 * @example const found = await axeViolations(page); expect(serious(found)).toEqual([]);
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/** One failed rule, with the elements (CSS selectors) that fail it. */
export type Violation = { rule: string; impact: ImpactValue | null; help: string; targets: string[] };

export async function axeViolations(page: Page): Promise<Violation[]> {
  const injected = await page.evaluate(() => "axe" in globalThis);
  if (!injected) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate((tags) => {
    // This runs in the page (the test's own tsconfig has no DOM types): the whole document.
    const page = globalThis as unknown as {
      document: unknown;
      axe: { run(context: unknown, options: unknown): Promise<AxeResults> };
    };
    return page.axe.run(page.document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  }, TAGS);
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? null,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}

/** The violations a keyboard or screen-reader user cannot work around: axe's serious and critical. */
export function serious(found: Violation[]): Violation[] {
  return found.filter((v) => v.impact === "serious" || v.impact === "critical");
}
