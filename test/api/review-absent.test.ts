import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceText, settle } from "../support/pipelines";
import { createProduct, openReviews } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "1000" } });
});
afterAll(() => t.close());

/** A run where document `doc-1` has no Total line: the required total is parked with nothing found. */
async function missingTotal() {
  const documents = [{ id: "doc-0", text: invoiceText(0) }, { id: "doc-1", text: "ACME Ltd\nInvoice No: INV-1\nDate: 03/04/2024\n" }];
  const { res, body } = await createPipeline(t, { documents });
  expect(res.status).toBe(202);
  await settle(t);
  const product = (await createProduct(t, (body as { id: string }).id)).body as { dataProduct: { id: string; pipeline_id: string } };
  const [item, ...others] = await openReviews(t, product.dataProduct.id);
  expect(others).toEqual([]);
  expect(item).toMatchObject({ field: "total", candidate: null });
  return { product: product.dataProduct, item, run: (body as { id: string }).id };
}

const decide = (itemId: string, json: Record<string, unknown>) =>
  t.request(`/v1/reviews/${itemId}/decision`, { method: "POST", json });

describe("a review item with nothing found", () => {
  it("cannot be approved empty: 400 naming the decision, the item stays open", async () => {
    const { product, item } = await missingTotal();
    const res = await decide(item.id, { decision: "approve" });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.message).toContain("has no value to approve");
    expect(body.error.details).toEqual([expect.objectContaining({ path: "decision", message: expect.stringContaining("confirm_absent") })]);
    expect((await openReviews(t, product.id)).map((i) => i.id)).toEqual([item.id]);
  });

  it("is marked not in the document: the cell is no_result with reason confirmed_absent, never completed", async () => {
    const { product, item, run } = await missingTotal();
    const res = await decide(item.id, { decision: "confirm_absent", comment: "the invoice has no total" });
    expect(res.status).toBe(201);
    expect(await openReviews(t, product.id)).toEqual([]);
    const records = await (await t.request(`/v1/pipelines/${run}/records`)).json();
    const cell = Object.values(records.records as Record<string, { fields: Record<string, { value: unknown; status: string }> }>)
      .map((r) => r.fields.total).find((c) => c.status !== "completed");
    expect(cell).toMatchObject({ value: null, status: "no_result" });
    expect(JSON.stringify(cell)).toContain("confirmed_absent");
    const log = await (await t.request(`/v1/pipelines/${run}/review-decisions`)).json();
    expect(log.items).toMatchObject([{ decision: "confirm_absent", value: null, comment: "the invoice has no total" }]);
    const csv = await (await t.request(`/v1/data-products/${product.id}/export.csv?status_columns=true`)).text();
    expect(csv).toMatch(/INV-1,completed,,no_result,/);
  });

  it("still takes an override with the value the reviewer found", async () => {
    const { item } = await missingTotal();
    expect((await decide(item.id, { decision: "override", value: "88.10" })).status).toBe(201);
  });

  it("refuses a value with confirm_absent", async () => {
    const { item } = await missingTotal();
    const res = await decide(item.id, { decision: "confirm_absent", value: "1" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details).toEqual([expect.objectContaining({ path: "value" })]);
  });
});

describe("share page for recipients", () => {
  const fields = [
    { name: "invoice_number", label: "Invoice no.", type: "string", required: true, extract: [{ type: "label", labels: ["Invoice No"] }] },
    { name: "amount_due", type: "currency", extract: [{ type: "label", labels: ["Total"] }] },
    { name: "weight_kg", type: "number", extract: [{ type: "label", labels: ["Weight"] }] },
  ];

  it("heads columns with the field's label or its humanised name, money as in the CSV, an update time, a favicon", async () => {
    const documents = [{ id: "a", text: "Invoice No: INV-9\nTotal: 120.5 EUR\nWeight: 2.25\n" }];
    const { res, body } = await createPipeline(t, { fields, phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }], documents });
    expect(res.status).toBe(202);
    await settle(t);
    const { shareToken } = (await createProduct(t, (body as { id: string }).id, "Labels")).body as { shareToken: { token: string } };
    const html = await (await t.request(`/share/${shareToken.token}`, { key: null, headers: { accept: "text/html" } })).text();
    expect(html).toContain('<th scope="col">Invoice no.</th><th scope="col">Amount due</th><th scope="col">Weight kg</th>');
    expect(html).toContain("<td class=\"num\">120.50 EUR</td>");
    const csv = await (await t.request(`/share/${shareToken.token}.csv`, { key: null })).text();
    expect(csv).toContain("INV-9,120.50,EUR,2.25");
    expect(html).toMatch(/Updated <time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">/);
    expect(html).not.toContain("Generation");
    const icon = html.match(/<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/)![1];
    for (const path of [icon, "/favicon.ico"]) {
      const got = await t.request(path, { key: null });
      expect(got.status).toBe(200);
      expect(got.headers.get("content-type")).toBe("image/svg+xml");
      expect(await got.text()).toMatch(/^<svg /);
    }
  });

  it("refuses an empty label with its field path", async () => {
    const bad = [{ ...fields[0], label: "  " }, ...fields.slice(1)];
    const { res, body } = await createPipeline(t, { fields: bad, documents: [{ id: "a", text: "x" }] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(body)).toContain('"path":"fields.0.label"');
  });
});
