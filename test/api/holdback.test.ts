import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct, openReviews } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** The README's definition: `gross` is computed from `total`, which the blocking gate `sane_total` parks above 10,000. */
const readmeDefinition = (extraFields: unknown[] = []) => ({
  fields: [
    { name: "invoice_number", type: "string", required: true, extract: [{ type: "label", labels: ["Invoice No", "Invoice #"] }] },
    { name: "total", type: "currency", extract: [{ type: "label", labels: ["Total"] }], resolve: { currency: "EUR" } },
    { name: "gross", type: "number", expression: "total.amount * 1.19" },
    ...extraFields,
  ],
  phases: [
    { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
    { type: "validation", gates: [{ id: "sane_total", mode: "blocking", rules: [{ rule: "max", field: "total", value: 10000 }] }] },
  ],
});

const invoices = [{ id: "small", text: "Invoice No: INV-1\nTotal: 100.00\n" }, { id: "big", text: "Invoice No: INV-2\nTotal: 25,000.00\n" }];

async function runWithProduct(extraFields: unknown[] = []) {
  const res = await t.request("/v1/pipelines", { method: "POST", json: { ...readmeDefinition(extraFields), documents: invoices } });
  expect(res.status).toBe(202);
  const run = await res.json();
  await settle(t);
  const { body } = await createProduct(t, run.id);
  return { run, productId: body.dataProduct.id as string, token: body.shareToken.token as string };
}

const rowsOf = async (productId: string) =>
  (await (await t.request(`/v1/data-products/${productId}/rows`)).json()).items as Array<{ external_id: string; fields: Record<string, unknown> }>;
const csvOf = async (path: string, key?: null) => (await (await t.request(path, { key })).text()).split("\r\n");
const decide = (itemId: string, json: unknown) => t.request(`/v1/reviews/${itemId}/decision`, { method: "POST", json });

describe("holdback is transitive", () => {
  it("holds the README's gross while total is parked, everywhere, and releases it with the decision", async () => {
    const { run, productId, token } = await runWithProduct();
    const [small, big] = await rowsOf(productId);
    expect(small.fields.gross).toEqual({ value: 119, status: "completed" });
    expect(big.fields.total).toEqual({ value: null, status: "needs_review", reason: "gate_failed" });
    expect(big.fields.gross).toEqual({ value: null, status: "needs_review", reason: "input_held" });
    const records = await (await t.request(`/v1/pipelines/${run.id}/records`)).json();
    expect(records.records[records.order[1]].fields.gross).toMatchObject({
      value: null, status: "needs_review", reason: { code: "input_held", summary: "held while total is held for review" },
    });
    for (const lines of [await csvOf(`/v1/data-products/${productId}/export.csv`), await csvOf(`/share/${token}.csv`, null)]) {
      expect(lines.slice(0, 3)).toEqual(["invoice_number,total,total_currency,gross", "INV-1,100.00,EUR,119", "INV-2,,,"]);
      // Bounded by non-word characters: random ids and tokens may hold "29750" by chance.
      expect(lines.join("\n")).not.toMatch(/(?<![\w-])29,?750(?![\w-])/);
    }
    const items = await openReviews(t, productId);
    expect(items.map((i) => i.field)).toEqual(["total"]); // the derived value is not a review item of its own

    expect((await decide(items[0].id, { decision: "override", value: { amount: 2500, currency: "EUR" } })).status).toBe(201);
    const [, released] = await rowsOf(productId);
    expect(released.fields.gross).toEqual({ value: 2975, status: "completed" });
    expect((await csvOf(`/share/${token}.csv`, null))[2]).toBe("INV-2,2500.00,EUR,2975");
    const detail = await (await t.request(`/v1/pipelines/${run.id}`)).json();
    expect(detail.status).toBe("completed");

    // A rerun from validation re-applies the decision and derives again from the decided value.
    await t.request(`/v1/pipelines/${run.id}/rerun`, { method: "POST", json: { from_phase: "validation" } });
    await settle(t);
    expect((await rowsOf(productId))[1].fields.gross).toEqual({ value: 2975, status: "completed" });
  });

  it("holds a chain of two derived fields and releases both on approval", async () => {
    const { productId } = await runWithProduct([{ name: "gross_rounded", type: "integer", expression: "$round(gross)" }]);
    const [, big] = await rowsOf(productId);
    expect(big.fields.gross).toEqual({ value: null, status: "needs_review", reason: "input_held" });
    expect(big.fields.gross_rounded).toEqual({ value: null, status: "needs_review", reason: "input_held" });
    const [item] = await openReviews(t, productId);
    expect((await decide(item.id, { decision: "approve" })).status).toBe(201);
    const [, released] = await rowsOf(productId);
    expect(released.fields).toEqual({
      invoice_number: { value: "INV-2", status: "completed" },
      total: { value: { amount: 25000, currency: "EUR" }, status: "completed" },
      gross: { value: 29750, status: "completed" },
      gross_rounded: { value: 29750, status: "completed" },
    });
  });

  it("leaves derived values without a value when their input is rejected", async () => {
    const { productId } = await runWithProduct();
    const [item] = await openReviews(t, productId);
    await decide(item.id, { decision: "reject" });
    const [, big] = await rowsOf(productId);
    expect(big.fields.total).toEqual({ value: null, status: "failed", reason: "rejected_by_review" });
    expect(big.fields.gross).toEqual({ value: null, status: "no_result", reason: "no_value" });
  });
});
