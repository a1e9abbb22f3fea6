import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct, finishedRunWithParkedCell, openReviews } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "1000" } });
});
afterAll(() => t.close());

const ORIGIN = "http://sluice.test";

function form(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return t.request(path, { method: "POST", key: null, body: new URLSearchParams(fields), headers: { origin: ORIGIN, ...headers } });
}

async function signIn(key: string) {
  const res = await form("/review/sign-in", { key });
  const cookie = res.headers.get("set-cookie") ?? "";
  return { res, cookie, jar: cookie.split(";")[0] };
}

async function page(path: string, jar: string) {
  const res = await t.request(path, { key: null, headers: { cookie: jar, accept: "text/html" } });
  return { res, html: await res.text() };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1];

async function parkedProduct() {
  const run = await finishedRunWithParkedCell(t, 3, 1);
  const { body } = await createProduct(t, run.id);
  return body as { dataProduct: { id: string }; shareToken: { token: string } };
}

describe("review console", () => {
  it("exchanges a write key for a signed, HttpOnly, SameSite=Strict session cookie with an expiry", async () => {
    const read = await signIn(await t.createKey(["read"]));
    expect(read.res.status).toBe(401);
    expect(read.cookie).toBe("");
    expect(await read.res.text()).toContain("lacks the write scope");

    const { res, cookie } = await signIn(await t.createKey(["write"]));
    expect(res.status).toBe(303);
    expect(cookie).toMatch(/^sluice_review=[^;]+\.[^;]+;/); // value.signature
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure"); // sluice.test is not localhost
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toContain("slk_");
  });

  it("shows an item with its evidence and records a form decision with the session's key", async () => {
    const { dataProduct, shareToken } = await parkedProduct();
    const etagBefore = (await t.request(`/share/${shareToken.token}`, { key: null })).headers.get("etag");
    const key = await t.createKey(["write"]);
    const { jar } = await signIn(key);
    const first = await t.request(`/review/products/${dataProduct.id}`, { key: null, headers: { cookie: jar } });
    expect(first.status).toBe(303);
    const itemPath = first.headers.get("location")!;
    const { res, html } = await page(itemPath, jar);
    expect(res.status).toBe(200);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<mark>25000.00</mark>");
    expect(html).toContain("sane_total");
    expect(html).toContain("1 left of 1");

    const bad = await form(`${itemPath}/decision`, { csrf: csrfOf(html), decision: "override", value: "lots" }, { cookie: jar });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/role="alert">[^<]*value does not fit field/);

    const ok = await form(`${itemPath}/decision`, { csrf: csrfOf(html), decision: "override", value: "250.00", comment: "typo" }, { cookie: jar });
    expect(ok.status).toBe(303);
    const done = await page(ok.headers.get("location")!, jar);
    expect(done.html).toContain("Nothing left to review");
    expect(done.html).toContain('role="status">Saved: overridden total of doc-1.');
    expect(await openReviews(t, dataProduct.id)).toHaveLength(0);
    const shared = await t.request(`/share/${shareToken.token}`, { key: null, headers: { "if-none-match": etagBefore! } });
    expect(shared.status).toBe(200); // the decision changed what the link shows, so a cached copy is stale
    const product = await (await t.request(`/v1/data-products/${dataProduct.id}`)).json();
    const log = await (await t.request(`/v1/pipelines/${product.pipeline_id}/review-decisions`)).json();
    const keys = await (await t.request("/v1/api-keys")).json();
    const writer = keys.items.find((k: { prefix: string }) => key.startsWith(k.prefix));
    expect(log.items).toMatchObject([{ decision: "override", value: 250, comment: "typo", decided_by: writer.id }]);
  });

  it("shows a line item's cell as 'lines #2 · amount' with its item, checks an override against the column type", async () => {
    const definition = {
      fields: [{
        name: "lines", type: "table", columns: [{ name: "description", type: "string" }, { name: "amount", type: "number" }],
        extract: [{ type: "table", columns: { description: "Description", amount: "Amount" } }],
      }],
      phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" },
        { type: "validation", gates: [{ id: "amounts", rules: [{ rule: "min", field: "lines.amount", value: 0 }] }] }],
    };
    const documents = [{ id: "order-1", filename: "order-1.csv", text: "Description,Amount\nBolts,10.00\nRefund,-4.00\n" }];
    const run = await (await t.request("/v1/pipelines", { method: "POST", json: { ...definition, documents } })).json();
    await settle(t);
    const { dataProduct } = (await createProduct(t, run.id)).body as { dataProduct: { id: string } };
    const [item] = await openReviews(t, dataProduct.id);
    const { jar } = await signIn(await t.createKey(["write"]));
    const { res, html } = await page(`/review/items/${item.id}`, jar);
    expect(res.status).toBe(200);
    expect(html).toContain("<h1>lines #2 · amount of order-1</h1>");
    expect(html).toContain("<dt>Line item</dt><dd>2 of 2 (item_index 1)</dd><dt>Column type</dt><dd>number</dd>");
    expect(html).toMatch(/<td>Refund<\/td><td class="reviewed"><mark>-4<\/mark><\/td>/);
    expect(html).toContain("Corrected value (number)");

    const path = `/review/items/${item.id}/decision`;
    const bad = await form(path, { csrf: csrfOf(html), decision: "override", value: "lots" }, { cookie: jar });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/role="alert">[^<]*value does not fit column &#39;lines.amount&#39;/);
    expect((await form(path, { csrf: csrfOf(html), decision: "override", value: "4.00" }, { cookie: jar })).status).toBe(303);
    const log = await (await t.request(`/v1/pipelines/${run.id}/review-decisions`)).json();
    expect(log.items).toMatchObject([{ decision: "override", field: "lines", item_index: 1, item_column: "amount", value: 4 }]);
  });

  it("refuses posts without the session's token or from another origin, and ends sessions on sign-out", async () => {
    const { dataProduct } = await parkedProduct();
    const { jar } = await signIn(await t.createKey(["write"]));
    const [item] = await openReviews(t, dataProduct.id);
    const { html } = await page(`/review/items/${item.id}`, jar);
    const path = `/review/items/${item.id}/decision`;
    expect((await form(path, { decision: "approve" }, { cookie: jar })).status).toBe(403);
    expect((await form(path, { csrf: csrfOf(html), decision: "approve" }, { cookie: jar, origin: "http://evil.test" })).status).toBe(403);
    expect((await form("/review/sign-in", { key: await t.createKey(["write"]) }, { origin: "http://evil.test" })).status).toBe(403);
    expect(await openReviews(t, dataProduct.id)).toHaveLength(1);

    expect((await form("/review/sign-out", { csrf: csrfOf(html) }, { cookie: jar })).status).toBe(303);
    const after = await t.request(`/review/items/${item.id}`, { key: null, headers: { cookie: jar } });
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/review");
  });

  it("does not show another tenant's items", async () => {
    const { dataProduct } = await parkedProduct();
    const [item] = await openReviews(t, dataProduct.id);
    const other = await t.otherTenant();
    const otherWriter = await t.createKey(["write"], other.organization_id);
    const { jar } = await signIn(otherWriter);
    expect((await page(`/review/items/${item.id}`, jar)).res.status).toBe(404);
  });
});

describe("share page for people", () => {
  it("is a standards-mode page that marks held cells and names what it is", async () => {
    const { shareToken } = await parkedProduct();
    const res = await t.request(`/share/${shareToken.token}`, { key: null, headers: { accept: "text/html" } });
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("A table shared read-only from Sluice");
    expect(html).toMatch(/<title>Untitled table \(run of [^<]+\) · shared table · Sluice<\/title>/);
    expect(html).toContain('<span class="held" title="held back until a reviewer decides">in review</span>');
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("answers a dead link with a small HTML page for browsers and the envelope otherwise", async () => {
    const dead = `/share/shr_${"x".repeat(43)}`;
    const browser = await t.request(dead, { key: null, headers: { accept: "text/html,application/xhtml+xml" } });
    expect(browser.status).toBe(404);
    expect(browser.headers.get("content-type")).toContain("text/html");
    expect(await browser.text()).toContain("This share link does not work");
    const api = await t.request(dead, { key: null });
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe("not_found");
  });
});
