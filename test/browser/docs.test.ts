import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, SCREENSHOTS, expectAccessible, expectNoSidewaysScroll, launchBrowser, serveApp } from "../support/browser";
import { startTestApp, type TestApp } from "../support/harness";

let t: TestApp;
let app: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;

beforeAll(async () => {
  t = await startTestApp();
  app = await serveApp(t);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.close();
});

/** Opens /docs and records every request the page makes, to prove it needs nothing but our origin. */
async function openDocs(viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on("request", (r) => requested.push(r.url()));
  const res = await page.goto(`${app.base}/docs`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["content-security-policy"]).toContain("default-src 'none'");
  return { context, page, requested };
}

/** The section of one operation, found by method and path (operation ids may change). */
const operation = (page: Page, method: string, path: string) =>
  page.locator("section.operation").filter({ has: page.locator("h3", { hasText: new RegExp(`^${method} ${path.replace(/[{}]/g, "\\$&")}$`) }) });

describe("the API reference at /docs", () => {
  it("loads only from our origin, shows a curl line per operation, links refs, and passes axe at desktop width", async () => {
    const { context, page, requested } = await openDocs(DESKTOP);
    await page.waitForLoadState("networkidle");
    expect(requested.length).toBeGreaterThanOrEqual(2); // the page and its stylesheets
    expect(requested.filter((url) => !url.startsWith(`${app.base}/`))).toEqual([]);

    const create = operation(page, "POST", "/v1/pipelines");
    await expect.poll(() => create.count()).toBe(1);
    const curl = (await create.locator("pre.curl").textContent())!;
    expect(curl).toMatch(/^curl -X POST \\\n {2}"http:\/\/sluice\.test\/v1\/pipelines" \\\n/);
    expect(curl).toContain('-H "X-API-Key: $SLUICE_API_KEY"');
    expect(curl).toContain('-H "Content-Type: application/json"');
    expect(await operation(page, "GET", "/healthz").locator("pre.curl").textContent()).toBe('curl \\\n  "http://sluice.test/healthz"');
    const sections = await page.locator("section.operation").count();
    expect(sections).toBeGreaterThan(25);
    expect(await page.locator("section.operation pre.curl").count()).toBe(sections);

    // Every in-page link lands on something: operations from the contents, schemas from `$ref`s.
    const targets = await page.evaluate(() => [...document.querySelectorAll("a[href^='#']")].map((a) => a.getAttribute("href")!.slice(1)));
    expect(targets).toContain("schema-Error");
    const missing = await page.evaluate((ids) => ids.filter((id) => !document.getElementById(id)), [...new Set(targets)]);
    expect(missing).toEqual([]);
    // The first screen only: the whole page is tens of thousands of pixels tall.
    await page.screenshot({ path: `${SCREENSHOTS}docs-desktop.png` });
    await expectAccessible(page);
    await context.close();
  });

  it("fits a 390 px phone and reaches an operation from the contents by keyboard", async () => {
    const { context, page } = await openDocs(PHONE);
    await expectNoSidewaysScroll(page);
    const target = "#post-v1-pipelines";
    let focused = "";
    for (let i = 0; i < 40 && focused !== target; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.getAttribute("href") ?? "");
    }
    expect(focused).toBe(target);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(target);
    expect(await page.locator(target).evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(PHONE.height / 2);
    await page.screenshot({ path: `${SCREENSHOTS}docs-phone.png` });
    await expectAccessible(page);
    await context.close();
  });
});
