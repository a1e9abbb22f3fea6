import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, SCREENSHOTS, expectAccessible, expectNoSidewaysScroll, launchBrowser, serveApp } from "../support/browser";
import { startTestApp, type TestApp } from "../support/harness";

let t: TestApp;
let app: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let tags: string[];

beforeAll(async () => {
  t = await startTestApp();
  app = await serveApp(t);
  browser = await launchBrowser();
  const doc = await (await fetch(`${app.base}/openapi.json`)).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
  tags = [...new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])))];
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.close();
});

const RERUN = "#post-v1-pipelines-id-rerun";

/** Opens /docs and records every request the page makes, to prove it needs nothing but our origin. */
async function openDocs(viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  const requested: string[] = [];
  const failures: string[] = [];
  page.on("request", (r) => requested.push(r.url()));
  page.on("pageerror", (e) => failures.push(e.message));
  const res = await page.goto(`${app.base}/docs`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["content-security-policy"]).toContain("default-src 'none'");
  await page.waitForLoadState("networkidle");
  return { context, page, requested, failures };
}

/** The section of one operation, found by method and path (operation ids may change). */
const operation = (page: Page, method: string, path: string) =>
  page.locator("section.operation").filter({ has: page.locator("h3", { hasText: new RegExp(`^${method} ${path.replace(/[{}]/g, "\\$&")}$`) }) });

/** What a reader sees as prose: the page's rendered text outside code, examples and curl lines. */
const proseText = (page: Page) => page.evaluate(() => {
  const copy = document.body.cloneNode(true) as HTMLElement;
  copy.querySelectorAll("pre, code, script").forEach((el) => el.remove());
  copy.querySelectorAll("details").forEach((el) => el.setAttribute("open", ""));
  document.body.append(copy);
  const text = copy.innerText;
  copy.remove();
  return text;
});

/** Types a query in the search box and returns the results' links as the page lists them. */
async function search(page: Page, query: string) {
  await page.locator("#search-input").fill(query);
  await expect.poll(() => page.locator("#search-status").textContent()).toMatch(/match/);
  return page.locator("#search-results a").evaluateAll((links) => links.map((a) => ({ href: a.getAttribute("href"), text: a.textContent })));
}

/** The top of an element relative to the viewport, and whether anything sticky covers it. */
const placement = (page: Page, selector: string) => page.locator(selector).evaluate((el) => {
  const top = el.getBoundingClientRect().top;
  const bar = document.querySelector(".sidebar")!.getBoundingClientRect();
  const covered = getComputedStyle(document.querySelector(".sidebar")!).position === "sticky" && bar.width > innerWidth / 2 ? bar.bottom : 0;
  return { top, covered, height: innerHeight };
});

describe("the API reference at /docs", () => {
  it("on a desktop: a sticky sidebar by tag, search that finds and jumps to `rerun`, rendered Markdown, curl with bodies, axe clean", async () => {
    const { context, page, requested, failures } = await openDocs(DESKTOP);
    expect(requested.filter((url) => !url.startsWith(`${app.base}/`))).toEqual([]);
    expect(requested.some((url) => /\/assets\/reference-\w+\.js$/.test(url))).toBe(true);

    // The sidebar lists every tag of the document, each with its operations.
    expect(tags.length).toBeGreaterThan(5);
    const listed = await page.locator("#toc a.tag-name").allTextContents();
    expect(listed.map((s) => s.toLowerCase())).toEqual(expect.arrayContaining(tags.map((s) => s.toLowerCase())));
    expect(await page.locator("#toc a[href='#post-v1-pipelines']").isVisible()).toBe(true);

    const results = await search(page, "rerun");
    expect(results[0]).toEqual({ href: RERUN, text: expect.stringContaining("/v1/pipelines/{id}/rerun") });
    expect(await page.locator("#toc").isHidden()).toBe(true);
    await page.locator("#search-input").press("Enter");
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(RERUN);
    const at = await placement(page, `${RERUN} h3`);
    expect(at.top).toBeGreaterThanOrEqual(0);
    expect(at.top).toBeLessThan(at.height / 2);
    // Far down the page the sidebar is still there, beside the content.
    expect(await page.locator(".sidebar").evaluate((el) => el.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0);
    expect(await page.locator("#search-input").isVisible()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}docs-desktop-rerun.png` });

    // Markdown is rendered: no markers in the prose, code as code.
    const prose = await proseText(page);
    expect(prose).not.toMatch(/\*\*|`/);
    expect(prose).not.toMatch(/variant \d|seed 00\d|valibot/i);
    expect(await page.locator(".ref-content > p strong", { hasText: "Lists." }).count()).toBe(1);

    // The create-pipeline curl line carries its body.
    const curl = (await operation(page, "POST", "/v1/pipelines").locator("pre.curl").textContent())!;
    expect(curl).toMatch(/^curl -X POST \\\n {2}"http:\/\/sluice\.test\/v1\/pipelines" \\\n/);
    expect(curl).toContain('-H "X-API-Key: $SLUICE_API_KEY"');
    expect(curl).toMatch(/-d '\{\n[\s\S]*"documents"[\s\S]*\}'$/);
    expect(await page.locator("pre.curl", { hasText: "@body.json" }).count()).toBe(0);
    expect(await page.locator("section.operation pre.curl").count()).toBe(await page.locator("section.operation").count());

    // Every in-page link lands on something; a linked schema unfolds when jumped to.
    const targets = await page.evaluate(() => [...document.querySelectorAll("a[href^='#']")].map((a) => a.getAttribute("href")!.slice(1)));
    const missing = await page.evaluate((ids) => ids.filter((id) => !document.getElementById(id)), [...new Set(targets)]);
    expect(missing).toEqual([]);
    await page.locator(".facts-list a[href='#schema-Error']").click();
    expect(await page.locator("#schema-Error").evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);

    // Folded details keep the page a reference one can scroll, not one 130,000 px column.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(60_000);
    await page.goto(`${app.base}/docs`);
    await page.screenshot({ path: `${SCREENSHOTS}docs-desktop.png` });
    await expectAccessible(page);
    expect(failures).toEqual([]);
    await context.close();
  }, 180_000);

  it("on a 390 px phone: no sideways scroll, contents folded in a sticky bar, search by keyboard jumps to the operation below it", async () => {
    const { context, page, failures } = await openDocs(PHONE);
    await expectNoSidewaysScroll(page);
    const contents = page.locator("#contents");
    expect(await contents.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    expect(await page.locator(".sidebar").boundingBox()).toMatchObject({ y: expect.any(Number) });
    await page.screenshot({ path: `${SCREENSHOTS}docs-phone.png` });

    // Keyboard only: open the bar, type, Enter.
    await contents.locator("summary").focus();
    await page.keyboard.press("Enter");
    await page.locator("#search-input").focus();
    await page.keyboard.type("rerun");
    await expect.poll(() => page.locator("#search-results a").first().getAttribute("href")).toBe(RERUN);
    await page.screenshot({ path: `${SCREENSHOTS}docs-phone-search.png` });

    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(RERUN);
    expect(await contents.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    const at = await placement(page, `${RERUN} h3`);
    expect(at.covered).toBeGreaterThan(0); // the bar stays on screen…
    expect(at.top).toBeGreaterThanOrEqual(at.covered); // …and does not hide the heading
    expect(at.top).toBeLessThan(at.height / 2);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: `${SCREENSHOTS}docs-phone-rerun.png` });

    // The contents list every tag on a phone too; axe runs once per width (a minute on this long page under load).
    await contents.locator("summary").click();
    await page.locator("#search-input").fill("");
    expect((await page.locator("#toc a.tag-name").allTextContents()).length).toBeGreaterThanOrEqual(tags.length);
    await page.screenshot({ path: `${SCREENSHOTS}docs-phone-contents.png` });
    await expectAccessible(page);
    expect(failures).toEqual([]);
    await context.close();
  }, 180_000);
});
