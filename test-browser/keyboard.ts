import type { Page } from "playwright-core";
import { expect } from "vitest";

/**
 * Driving a page by keyboard alone in the browser tests: Tab (or Shift+Tab) until focus is on an
 * element, and read what has focus. These run in the page as text, since the tests' tsconfig has
 * no DOM types.
 *
 * @example await tabTo(page, "[data-action=delete]"); await page.keyboard.press("Enter");
 */
export async function isFocused(page: Page, selector: string): Promise<boolean> {
  return (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) === true`)) === true;
}

/** The focused element, as a test failure names it: tag, data-action or aria-label, and text. */
export async function focusedName(page: Page): Promise<string> {
  return String(
    await page.evaluate(`(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return "body";
      const what = e.getAttribute("data-action") ?? e.getAttribute("aria-label") ?? e.getAttribute("role") ?? e.getAttribute("href") ?? "";
      return [e.tagName.toLowerCase(), what, (e.textContent ?? "").trim().slice(0, 40)].filter(Boolean).join(" ");
    })()`),
  );
}

/** Whether the focused element draws a focus ring (a visible outline). */
export async function focusRingShown(page: Page): Promise<boolean> {
  const shown = await page.evaluate(`(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return false;
    const s = getComputedStyle(e);
    return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  })()`);
  return shown === true;
}

/** Presses Tab (Shift+Tab with `backward`) until `selector` has focus; throws, naming the stops, if it never does. */
export async function tabTo(page: Page, selector: string, opts: { backward?: boolean; max?: number } = {}) {
  const stops: string[] = [];
  for (let i = 0; i < (opts.max ?? 80); i++) {
    await page.keyboard.press(opts.backward ? "Shift+Tab" : "Tab");
    if (await isFocused(page, selector)) return;
    stops.push(await focusedName(page));
  }
  throw new Error(`Tab never reached ${selector}; it went through: ${stops.join(" | ")}`);
}

/** What the polite status line says once it settles (announce.ts), e.g. "2 monitors listed.". */
export async function announced(page: Page, text: string): Promise<void> {
  await page.locator("[data-announce]", { hasText: text }).waitFor({ state: "attached", timeout: 15_000 });
}

export async function expectFocus(page: Page, selector: string): Promise<void> {
  // Focus moves after a render (a microtask or two): poll briefly, then name what has it instead.
  for (let i = 0; i < 50 && !(await isFocused(page, selector)); i++) await page.waitForTimeout(50);
  expect(await isFocused(page, selector), `focus on ${selector}, not ${await focusedName(page)}`).toBe(true);
}
