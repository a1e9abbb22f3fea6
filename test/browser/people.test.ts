import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, expectAccessible, expectNoSidewaysScroll, launchBrowser, serveApp, shoot } from "../support/browser";
import { makePdf } from "../support/documents";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDefinition, invoiceText, settle } from "../support/pipelines";
import { createProduct, openReviews } from "../support/products";

let t: TestApp;
let app: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let product: { dataProduct: { id: string; pipeline_id: string }; shareToken: { token: string } };

/** Invoices whose number must look like INV-<digits>, and whose total must stay ≤ 10000. */
const definition = {
  ...invoiceDefinition,
  phases: [
    ...invoiceDefinition.phases.slice(0, 3),
    { type: "validation", gates: [{ id: "sane_invoice", mode: "blocking", rules: [
      { rule: "pattern", field: "invoice_number", pattern: "^INV-\\d+$" }, { rule: "max", field: "total", value: 10000 },
    ] }] },
  ],
};

beforeAll(async () => {
  t = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "1000" } });
  const pdf = await makePdf([["ACME Ltd", "Invoice No: INV-3", "Date: 05/06/2024", "Total: 30000.00"]]);
  const documents = [
    { id: "clean", text: invoiceText(1) },
    { id: "odd-number", text: invoiceText(2).replace("INV-2", "X-77") },
    { id: "scan.pdf", filename: "scan.pdf", content_base64: Buffer.from(pdf).toString("base64") },
    { id: "huge", text: invoiceText(4, 99_999) },
  ];
  const created = await t.request("/v1/pipelines", { method: "POST", json: { ...definition, documents } });
  expect(created.status).toBe(202);
  await settle(t);
  const run = (await created.json()) as { id: string };
  product = (await createProduct(t, run.id, "ACME invoices, November")).body;
  product.dataProduct.pipeline_id = run.id;
  app = await serveApp(t);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.close();
});

async function open(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, bypassCSP: true, acceptDownloads: true });
  return { context, page: await context.newPage() };
}

const shareUrl = () => `${app.base}/share/${product.shareToken.token}`;
const apiCsv = async () => (await t.request(`/v1/data-products/${product.dataProduct.id}/export.csv`)).text();

describe("share page in Chromium", () => {
  it("shows the table with held cells marked at desktop width, downloads the same CSV as the API, passes axe", async () => {
    const { context, page } = await open(DESKTOP);
    const res = await page.goto(shareUrl());
    expect(res?.status()).toBe(200);
    expect(await page.evaluate(() => document.compatMode)).toBe("CSS1Compat");
    expect(await page.title()).toMatch(/^\W?ACME invoices, November\W? · shared table · Sluice$/); // names are bidi-isolated
    await expect.poll(() => page.getByText("in review", { exact: true }).count()).toBe(4); // 3 cells + the legend
    await shoot(page, "share-desktop");
    await expectAccessible(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Download CSV/ }).click()]);
    expect(download.suggestedFilename()).toBe("ACME_invoices_November.csv");
    const { readFile } = await import("node:fs/promises");
    expect(await readFile((await download.path())!, "utf8")).toBe(await apiCsv());
    await context.close();
  });

  it("fits a 390 px phone: no sideways scroll of the page, reachable by keyboard", async () => {
    const { context, page } = await open(PHONE);
    await page.goto(shareUrl());
    await expectNoSidewaysScroll(page);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Download CSV");
    await shoot(page, "share-phone");
    await expectAccessible(page);
    await context.close();
  });

  it("answers a revoked link with a small 404 page", async () => {
    const minted = await (await t.request(`/v1/data-products/${product.dataProduct.id}/share-tokens`, { method: "POST", json: {} })).json();
    const token = minted.token as string;
    expect((await t.request(`/v1/data-products/${product.dataProduct.id}/share-tokens/${token}`, { method: "DELETE" })).status).toBe(200);
    const { context, page } = await open(PHONE);
    const res = await page.goto(`${app.base}/share/${token}`);
    expect(res?.status()).toBe(404);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("This share link does not work");
    await expectNoSidewaysScroll(page);
    await shoot(page, "share-revoked-phone");
    await expectAccessible(page);
    await context.close();
  });
});

describe("review console in Chromium", () => {
  it("refuses a decision posted from another origin, even with the reviewer signed in", async () => {
    const { context, page } = await open(DESKTOP);
    await signIn(page);
    const [item] = await openReviews(t, product.dataProduct.id);
    const evil = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><form method="post" action="${app.base}/review/items/${item.id}/decision">
        <input name="decision" value="approve"><input name="csrf" value="guess"></form><script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    const posted = page.waitForResponse((r) => r.url().endsWith("/decision"));
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    expect((await posted).status()).toBe(403);
    expect((await openReviews(t, product.dataProduct.id)).map((i) => i.id)).toContain(item.id);
    evil.close();
    await context.close();
  });

  it("signs in, decides three items of different kinds with the evidence on screen, and the share page releases them", async () => {
    const { context, page } = await open(DESKTOP);
    await page.goto(`${app.base}/review`);
    await shoot(page, "review-sign-in");
    await expectAccessible(page);
    await signIn(page);
    expect((await context.cookies()).map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([["sluice_review", true, "Strict"]]);
    expect(await page.evaluate(() => JSON.stringify(localStorage) + document.cookie)).not.toContain("slk_");
    await page.getByRole("link", { name: "ACME invoices, November" }).click();

    const seen: string[] = [];
    for (let n = 1; n <= 3; n++) {
      await expect.poll(() => page.locator(".progress").textContent()).toBe(`${4 - n} left of 3`);
      const heading = (await page.getByRole("heading", { level: 1 }).textContent())!;
      seen.push(heading);
      if (heading === "total of scan.pdf") {
        await expect.poll(() => page.locator("mark").textContent()).toBe("30000.00");
        const box = page.locator("svg.page rect[data-candidate-box]");
        expect(await box.count()).toBe(1);
        expect(Number(await box.getAttribute("width"))).toBeGreaterThan(0);
        await shoot(page, "review-pdf-desktop");
        await expectAccessible(page);
        await page.setViewportSize(PHONE);
        await expectNoSidewaysScroll(page);
        await shoot(page, "review-pdf-phone");
        await page.setViewportSize(DESKTOP);
        await page.keyboard.press("a"); // the approve shortcut
      } else if (heading === "invoice_number of odd-number") {
        await page.getByLabel(/Corrected value/).fill("INV-77");
        await page.getByLabel(/Comment/).fill("number printed without its prefix");
        await page.getByRole("button", { name: "Override" }).click();
      } else {
        expect(heading).toBe("total of huge");
        await page.getByLabel(/Corrected value/).fill("lots");
        await page.getByRole("button", { name: "Override" }).click();
        await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/value does not fit field 'total'/);
        await shoot(page, "review-inline-error");
        await page.getByRole("button", { name: "Reject" }).click();
      }
      await page.waitForLoadState();
    }
    expect(seen.sort()).toEqual(["invoice_number of odd-number", "total of huge", "total of scan.pdf"]);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Nothing left to review in \W?ACME invoices, November\W?$/);
    await shoot(page, "review-done");

    const log = await (await t.request(`/v1/pipelines/${product.dataProduct.pipeline_id}/review-decisions`)).json();
    expect(log.items.map((d: { decision: string }) => d.decision).sort()).toEqual(["approve", "override", "reject"]);

    await page.goto(shareUrl());
    const row = (id: string) => page.locator("tbody tr").nth(["clean", "odd-number", "scan.pdf", "huge"].indexOf(id)).locator("td");
    expect(await row("odd-number").allTextContents()).toEqual(["INV-77", "102", "2024-04-03"]);
    expect(await row("scan.pdf").allTextContents()).toEqual(["INV-3", "30000", "2024-06-05"]);
    expect(await row("huge").allTextContents()).toEqual(["INV-4", "rejected", "2024-04-03"]);
    expect(await page.getByText("in review", { exact: true }).count()).toBe(0);
    await shoot(page, "share-after-review");

    await page.goto(`${app.base}/review`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in to review");
    await context.close();
  });
});

async function signIn(page: Page) {
  await page.goto(`${app.base}/review`);
  await page.getByLabel("API key").fill(await t.createKey(["write"]));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Choose a data product" }).waitFor();
}

/** A small order whose line amounts must stay ≤ 1000: one HTML invoice with one line over it, one clean CSV. */
const itemsDefinition = {
  fields: [{
    name: "lines", type: "table",
    columns: [{ name: "description", type: "string", required: true }, { name: "qty", type: "integer" }, { name: "amount", type: "number" }],
    extract: [{ type: "table", columns: { description: "Description", qty: "Qty", amount: "Amount" } }],
  }],
  phases: [
    { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
    { type: "validation", gates: [{ id: "line_amounts", rules: [{ rule: "min", field: "lines.amount", value: 0 },
      { rule: "max", field: "lines.amount", value: 1000 }] }] },
  ],
};
const htmlRow = (cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
const itemDocuments = [
  { id: "order-7", filename: "order-7.html", text: `<h1>Order 7</h1><table><tr><th>Description</th><th>Qty</th><th>Amount</th></tr>${
    [["Bolts", "2", "10.00"], ["Crane hire", "1", "2,500.00"], ["Gloves", "3", "12.00"]].map(htmlRow).join("")}</table>` },
  { id: "order-8", filename: "order-8.csv", text: "Description,Qty,Amount\nNuts,10,1.50\nWashers,4,2.00\n" },
];

describe("line items in the console and on the share page", () => {
  let items: { productId: string; token: string };
  beforeAll(async () => {
    const created = await t.request("/v1/pipelines", { method: "POST", json: { name: "Parts orders", ...itemsDefinition, documents: itemDocuments } });
    expect(created.status).toBe(202);
    await settle(t);
    const { body } = await createProduct(t, ((await created.json()) as { id: string }).id, "Parts orders");
    items = { productId: body.dataProduct.id, token: body.shareToken.token };
  });

  const itemRows = (page: Page) => page.getByRole("region", { name: "Line items lines" }).locator("tbody tr");

  it("marks the parked item cell in review on the share page, with a CSV link for the line-item table", async () => {
    const { context, page } = await open(DESKTOP);
    await page.goto(`${app.base}/share/${items.token}`);
    expect(await page.getByRole("region", { name: /^Rows of \W?Parts orders\W?$/ }).locator("tbody td").allTextContents()).toEqual(["3", "2"]);
    expect(await itemRows(page).count()).toBe(5);
    expect(await itemRows(page).nth(1).locator("td").allTextContents()).toEqual(["order-7", "Crane hire", "1", "in review"]);
    expect(await page.getByText("in review", { exact: true }).count()).toBe(2); // the item cell + the legend
    await shoot(page, "share-items-held");
    await expectAccessible(page);
    const link = page.getByRole("link", { name: "Download lines CSV" });
    expect(await link.getAttribute("href")).toBe(`/share/${items.token}.csv?table=lines`);
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const { readFile } = await import("node:fs/promises");
    const csv = await readFile((await download.path())!, "utf8");
    expect(csv).toBe(await (await t.request(`/v1/data-products/${items.productId}/export.csv?table=lines`)).text());
    expect(csv).toContain("Crane hire,1,\r\n");
    await context.close();
  });

  it("shows the item cell's evidence, checks an override against the column type, and the share page releases it", async () => {
    const { context, page } = await open(DESKTOP);
    await signIn(page);
    await page.getByRole("link", { name: "Parts orders" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("lines #2 · amount of order-7");
    expect(await page.locator(".progress").textContent()).toBe("1 left of 1");
    expect(await page.getByRole("region", { name: "The line item" }).locator("td").allTextContents())
      .toEqual(["Crane hire", "1", "2500"]);
    expect(await page.locator("dl.meta").textContent()).toMatch(/Line item2 of 3 \(item_index 1\).*Column typenumber/);
    expect(await page.getByRole("region", { name: "Candidates" }).locator("td").first().textContent()).toContain("2,500.00");
    await shoot(page, "review-item-cell");
    await expectAccessible(page);
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page);
    await shoot(page, "review-item-cell-phone");
    await page.setViewportSize(DESKTOP);
    await page.getByLabel(/Corrected value \(number\)/).fill("lots");
    await page.getByRole("button", { name: "Override" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/value does not fit column 'lines.amount'/);
    await shoot(page, "review-item-cell-error");
    await page.getByLabel(/Corrected value/).fill("250.00");
    await page.getByLabel(/Comment/).fill("hire is 250, not 2,500");
    await page.getByRole("button", { name: "Override" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Nothing left to review in \W?Parts orders\W?$/);

    await page.goto(`${app.base}/share/${items.token}`);
    expect(await itemRows(page).nth(1).locator("td").allTextContents()).toEqual(["order-7", "Crane hire", "1", "250"]);
    expect(await page.getByText("in review", { exact: true }).count()).toBe(0);
    await shoot(page, "share-items-released");
    const csv = await (await t.request(`/share/${items.token}.csv?table=lines`, { key: null })).text();
    expect(csv).toContain("Crane hire,1,250\r\n");
    await context.close();
  });
});
