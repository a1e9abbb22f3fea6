import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct, openReviews } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const definition = {
  fields: [
    { name: "invoice_number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] },
    { name: "issued", type: "date", extract: [{ type: "label", labels: ["Date"] }] },
  ],
  phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
};

const rowsOf = async (productId: string) =>
  (await (await t.request(`/v1/data-products/${productId}/rows`)).json()).items as Array<{ fields: Record<string, unknown> }>;

describe("a date that reads two ways is held for review, never guessed", () => {
  it("holds it with reason ambiguous_date in the review queue, decides by the document's evidence, and releases a reviewer's date", async () => {
    const documents = [
      { id: "nothing-decides", text: "Invoice No: INV-1\nDate: 03/04/2024\n" },
      { id: "day-first-elsewhere", text: "Invoice No: INV-2\nDate: 03/04/2024\nDue: 25/04/2024\n" },
      { id: "dotted", text: "Invoice No: INV-3\nDate: 03.04.2024\n" },
    ];
    const res = await t.request("/v1/pipelines", { method: "POST", json: { ...definition, documents } });
    expect(res.status).toBe(202);
    const run = await res.json();
    await settle(t);
    const records = await (await t.request(`/v1/pipelines/${run.id}/records`)).json();
    const [held, decided, dotted] = records.order.map((id: string) => records.records[id].fields.issued);
    expect(held).toMatchObject({ value: null, status: "needs_review", reason: { code: "ambiguous_date" } });
    expect(held.reason.message).toContain("2024-04-03 or 2024-03-04");
    expect(decided).toMatchObject({ value: "2024-04-03", status: "completed" });
    expect(dotted).toMatchObject({ value: "2024-04-03", status: "completed" });

    const { body } = await createProduct(t, run.id);
    const productId = body.dataProduct.id as string;
    const items = await openReviews(t, productId);
    expect(items.map((i) => [i.field, i.gate])).toEqual([["issued", "ambiguous_date"]]);
    const decision = await t.request(`/v1/reviews/${items[0].id}/decision`, { method: "POST", json: { decision: "override", value: "2024-04-03" } });
    expect(decision.status).toBe(201);
    expect((await rowsOf(productId))[0].fields.issued).toEqual({ value: "2024-04-03", status: "completed" });
  });
});
