import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, expectAccessible, expectNoSidewaysScroll, launchBrowser, serveApp, shoot } from "../support/browser";
import { makePdf } from "../support/documents";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDefinition, settle } from "../support/pipelines";
import { createProduct } from "../support/products";

let t: TestApp;
let app: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;

/** Seven columns: wider than a phone, so the table must scroll inside its box and say so. */
const shareDefinition = {
  fields: [
    { name: "invoice_number", label: "Invoice no.", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] },
    { name: "vendor_name", type: "string", extract: [{ type: "label", labels: ["Vendor"] }] },
    { name: "issued_on", type: "date", extract: [{ type: "label", labels: ["Date"] }], resolve: { day_first: true } },
    { name: "net_amount", type: "currency", extract: [{ type: "label", labels: ["Net"] }] },
    { name: "tax_rate", type: "number", extract: [{ type: "label", labels: ["Tax rate"] }] },
    { name: "total_due", type: "currency", extract: [{ type: "label", labels: ["Total"] }] },
    { name: "payment_reference", label: "Payment reference", type: "string", extract: [{ type: "label", labels: ["Reference"] }] },
  ],
  phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
};
const invoice = (n: number) => [`Invoice No: INV-${n}`, "Vendor: Wide Columns Trading Company", "Date: 05/06/2024", `Net: ${100 + n}.5 EUR`,
  "Tax rate: 0.19", `Total: ${120 + n}.5 EUR`, `Reference: RF18-5390-0754-7034-${n}`].join("\n");

let shareUrl = "";
let productName = "";

beforeAll(async () => {
  t = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "1000" } });
  const wide = await t.request("/v1/pipelines", { method: "POST", json: { ...shareDefinition, documents: [1, 2].map((n) => ({ id: `inv-${n}`, text: invoice(n) })) } });
  expect(wide.status).toBe(202);
  // A scanned-like invoice with no Total: the required total is parked with nothing to approve.
  const pdf = await makePdf([["Globex GmbH", "Invoice No: INV-7", "Date: 05/06/2024"], ["Terms: 30 days", "Amount payable: 410.00 EUR"]]);
  const missing = await t.request("/v1/pipelines", {
    method: "POST", json: { ...invoiceDefinition, documents: [{ id: "no-total.pdf", filename: "no-total.pdf", content_base64: Buffer.from(pdf).toString("base64") }] },
  });
  expect(missing.status).toBe(202);
  await settle(t);
  shareUrl = `/share/${(await createProduct(t, ((await wide.json()) as { id: string }).id, "Wide invoices")).body.shareToken.token}`;
  productName = "Missing totals";
  await createProduct(t, ((await missing.json()) as { id: string }).id, productName);
  app = await serveApp(t);
  browser = await launchBrowser();
}, 180_000); // two runs (one a PDF) and a browser start, on a machine shared by many
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.close();
});

async function open(viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  const missing: string[] = [];
  page.on("response", (r) => { if (r.status() === 404) missing.push(r.url()); });
  return { context, page, missing };
}

describe("share page for a recipient", () => {
  it("reads in the definition's words, money as in the CSV, at desktop width", async () => {
    const { context, page, missing } = await open(DESKTOP);
    await page.goto(`${app.base}${shareUrl}`);
    const headings = await page.locator("thead th").allTextContents();
    expect(headings).toEqual(["Invoice no.", "Vendor name", "Issued on", "Net amount", "Tax rate", "Total due", "Payment reference"]);
    expect(await page.locator("tbody tr").first().locator("td").allTextContents())
      .toEqual(["INV-1", "Wide Columns Trading Company", "2024-06-05", "101.50 EUR", "0.19", "121.50 EUR", "RF18-5390-0754-7034-1"]);
    expect(await page.locator(".facts").textContent()).toMatch(/Updated \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC/);
    expect(await page.locator(".scroll-hint").isVisible()).toBe(false);
    await shoot(page, "recipients-share-desktop");
    await expectAccessible(page);
    await page.waitForLoadState("networkidle");
    expect(missing).toEqual([]); // no /favicon.ico 404
    await context.close();
  });

  it("on a 390 px phone says the table scrolls, and the last column can be reached", async () => {
    const { context, page, missing } = await open(PHONE);
    await page.goto(`${app.base}${shareUrl}`);
    await expectNoSidewaysScroll(page);
    expect(await page.locator(".scroll-hint").isVisible()).toBe(true);
    expect(await page.locator(".scroll-hint").textContent()).toContain("all 7 columns");
    const region = page.getByRole("region", { name: /^Rows of \W?Wide invoices\W?$/ });
    const last = page.locator("thead th").last();
    const right = async () => (await last.boundingBox())!.x + (await last.boundingBox())!.width;
    expect(await right()).toBeGreaterThan(PHONE.width); // off-screen at first, so the hint is needed
    await shoot(page, "recipients-share-phone");
    await region.focus();
    for (let i = 0; i < 60 && (await right()) > PHONE.width; i++) await page.keyboard.press("ArrowRight");
    expect(await right()).toBeLessThanOrEqual(PHONE.width);
    await shoot(page, "recipients-share-phone-scrolled");
    await expectAccessible(page);
    expect(missing).toEqual([]);
    await context.close();
  });
});

describe("review console: nothing found", () => {
  async function signIn(page: Page) {
    await page.goto(`${app.base}/review`);
    await page.getByLabel("API key").fill(await t.createKey(["write"]));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Choose a data product" }).waitFor();
  }

  it("draws the document's pages, offers no approve, and records 'not in the document' with a confirmation", async () => {
    const { context, page } = await open(DESKTOP);
    await signIn(page);
    await page.getByRole("link", { name: productName }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("total of no-total.pdf");
    expect(await page.locator(".progress").textContent()).toBe("1 left of 1");
    expect(await page.locator("svg.page").count()).toBe(2); // both pages, to search for the value
    expect(await page.locator("svg.page").nth(1).textContent()).toContain("410.00");
    expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
    await page.keyboard.press("a"); // the approve shortcut does nothing without the button
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("total of no-total.pdf");
    await shoot(page, "recipients-review-nothing-found");
    await expectAccessible(page);
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page);
    await shoot(page, "recipients-review-nothing-found-phone");
    await page.setViewportSize(DESKTOP);
    const itemUrl = page.url();

    // A forged approve is refused by the server too.
    const csrf = await page.locator("input[name=csrf]").first().inputValue();
    const forged = await page.request.post(`${itemUrl}/decision`, { form: { csrf, decision: "approve" }, headers: { origin: app.base } });
    expect(forged.status()).toBe(400);
    expect(await forged.text()).toContain("has no value to approve");

    await page.getByRole("button", { name: "Not in the document" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Saved: marked not in the document total of no-total.pdf.");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Nothing left to review in \W?Missing totals\W?$/);
    await shoot(page, "recipients-review-saved");

    await page.goto(itemUrl);
    const decided = await page.getByRole("region", { name: "Decided" }).or(page.locator("section[aria-labelledby=decided]")).textContent();
    expect(decided).toMatch(/DecisionMarked not in the document/);
    expect(decided).toMatch(/Bytest write \(slk_/);
    expect(decided).toMatch(/When\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC/);
    expect(await page.locator(".progress").textContent()).toBe("Nothing left of 1");
    await shoot(page, "recipients-review-decided");
    await expectAccessible(page);
    await context.close();
  });
});
