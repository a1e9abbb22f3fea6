import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const definition = {
  fields: [
    { name: "subtotal", type: "number", extract: [{ type: "label", labels: ["Subtotal"] }] },
    {
      name: "lines", type: "table",
      columns: [{ name: "description", type: "string", required: true }, { name: "qty", type: "integer" }, { name: "amount", type: "number" }],
      extract: [{ type: "table", columns: { description: "Description", qty: "Qty", amount: "Amount" }, skip: "^Subtotal" }],
    },
  ],
  phases: [
    { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
    { type: "validation", gates: [
      { id: "items", rules: [{ rule: "max", field: "lines.amount", value: 1000 }] },
      { id: "sums", rules: [{ rule: "expression", field: "subtotal", expression: "$sum(lines.amount) = subtotal" }] },
    ] },
  ],
};

const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
const html = (rows: string[][], subtotal: string) =>
  `<table><tr><th>Description</th><th>Qty</th><th>Amount</th></tr>${rows.map(row).join("")}${row(["Subtotal", "", subtotal])}</table><p>Subtotal: ${subtotal}</p>`;
const documents = [
  { id: "inv-0", filename: "inv-0.html", text: html([["Bolts", "2", "10.00"], ["=cmd|' /C calc'!A0", "1", "5.00"], ["Crane", "1", "1,500.00"]], "1,515.00") },
  { id: "inv-1", filename: "inv-1.csv", text: "Description,Qty,Amount\nNuts,10,1.50\n\"Washers, zinc\",4,2.00\n" },
  { id: "inv-2", filename: "inv-2.html", text: html([["Gears", "1", "10.00"], ["Belts", "2", "20.00"]], "40.00") },
];

async function itemRun() {
  const res = await t.request("/v1/pipelines", { method: "POST", json: { name: "items", ...definition, documents } });
  expect(res.status).toBe(202);
  const run = (await res.json()) as { id: string };
  await settle(t);
  const { body } = await createProduct(t, run.id);
  return { runId: run.id, productId: body.dataProduct.id as string, token: body.shareToken.token as string };
}

const text = async (path: string, key?: null) => (await t.request(path, key === null ? { key: null } : {})).text();

describe("line items", () => {
  it("stores items as rows of cells, each resolved by its column type, with columns in field_definitions", async () => {
    const { runId } = await itemRun();
    const body = await (await t.request(`/v1/pipelines/${runId}/records`)).json();
    expect(body.field_definitions.lines).toMatchObject({
      name: "lines", type: "table", required: false, description: null,
      columns: [{ name: "description", type: "string", required: true }, { name: "qty", type: "integer", required: false }, { name: "amount", type: "number", required: false }],
    });
    const [first, second] = body.order.map((id: string) => body.records[id]);
    expect(first.fields.lines.value).toHaveLength(3);
    expect(first.fields.lines.value[0].amount).toMatchObject({ value: 10, status: "completed", meta: { provenance: { extractor: "table", row: 0, column: "Amount", item_index: 0 } } });
    expect(first.fields.lines.value[2].amount).toMatchObject({ value: null, status: "needs_review" });
    expect(second.fields.lines.value.map((i: Record<string, { value: unknown }>) => [i.description.value, i.qty.value, i.amount.value]))
      .toEqual([["Nuts", 10, 1.5], ["Washers, zinc", 4, 2]]);
  });

  it("parks item cells and failed sums for review; the review item names field, item_index and column", async () => {
    const { productId } = await itemRun();
    const open = (await (await t.request(`/v1/data-products/${productId}/reviews?status=open`)).json()).items;
    const named = open.map((i: Record<string, unknown>) => [i.external_id, i.field, i.item_index, i.column, i.gate]);
    expect(named.sort((a: string[], b: string[]) => a[0].localeCompare(b[0]))).toEqual([
      ["inv-0", "lines", 2, "amount", "items"], ["inv-2", "subtotal", null, null, "sums"],
    ]);
    const sum = open.find((i: { field: string }) => i.field === "subtotal");
    expect(sum.reason.message).toBe("sums/expression: items sum to 30.00; subtotal is 40.00");
  });

  it("pages items with record_id and item_index, withholding parked cells", async () => {
    const { productId } = await itemRun();
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const page = await (await t.request(`/v1/data-products/${productId}/rows?table=lines&limit=3${cursor ? `&cursor=${cursor}` : ""}`)).json();
      seen.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.map((i) => i.item_index)).toEqual([0, 1, 2, 0, 1, 0, 1]);
    expect(new Set(seen.map((i) => i.record_id)).size).toBe(3);
    expect(seen[2].fields).toEqual({
      description: { value: "Crane", status: "completed" }, qty: { value: 1, status: "completed" },
      amount: { value: null, status: "needs_review", reason: "gate_failed" },
    });
    const rows = await (await t.request(`/v1/data-products/${productId}/rows`)).json();
    expect(rows.items.map((r: { fields: { lines: unknown } }) => r.fields.lines)).toEqual([
      { value: 3, status: "completed" }, { value: 2, status: "completed" }, { value: 2, status: "completed" },
    ]);
  });

  it("exports one CSV row per item (guarded, held-back cells empty) and the item count in the main export", async () => {
    const { productId, token } = await itemRun();
    const ids = (await (await t.request(`/v1/data-products/${productId}/rows`)).json()).items.map((r: { record_id: string }) => r.record_id);
    const csv = await text(`/v1/data-products/${productId}/export.csv?table=lines`);
    expect(csv.split("\r\n")).toEqual([
      "record_id,item_index,description,qty,amount",
      `${ids[0]},0,Bolts,2,10`, `${ids[0]},1,'=cmd|' /C calc'!A0,1,5`, `${ids[0]},2,Crane,1,`,
      `${ids[1]},0,Nuts,10,1.5`, `${ids[1]},1,"Washers, zinc",4,2`,
      `${ids[2]},0,Gears,1,10`, `${ids[2]},1,Belts,2,20`, "",
    ]);
    expect(await text(`/share/${token}.csv?table=lines`, null)).toBe(csv);
    const main = await text(`/v1/data-products/${productId}/export.csv`);
    expect(main.split("\r\n")).toEqual(["subtotal,lines", "1515,3", ",2", ",2", ""]);
  });

  it("refuses a table that is not a table field with a 400 naming the parameter", async () => {
    const { productId, token } = await itemRun();
    for (const path of [`/v1/data-products/${productId}/export.csv?table=subtotal`, `/v1/data-products/${productId}/rows?table=nope`]) {
      const res = await t.request(path);
      expect(res.status).toBe(400);
      expect((await res.json()).error.details).toEqual([{ path: "table", message: "must be one of: lines" }]);
    }
    expect((await t.request(`/share/${token}.csv?table=nope`, { key: null })).status).toBe(400);
  });

  it("applies a reviewer's override to the item cell, and keeps it over a rerun while the item keeps its index and text", async () => {
    const { runId, productId } = await itemRun();
    const open = (await (await t.request(`/v1/data-products/${productId}/reviews?status=open`)).json()).items;
    const item = open.find((i: { column: string | null }) => i.column === "amount");
    const bad = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "override", value: "lots" } });
    expect(bad.status).toBe(400);
    const res = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "override", value: "950.00", comment: "typo" } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ field: "lines", item_index: 2, item_column: "amount", item_text: "Crane\t1\t1,500.00", value: 950 });
    const amountOfCrane = async () =>
      (await (await t.request(`/v1/data-products/${productId}/rows?table=lines&limit=3`)).json()).items[2].fields.amount;
    expect(await amountOfCrane()).toEqual({ value: 950, status: "completed" });
    expect((await t.request(`/v1/pipelines/${runId}/rerun`, { method: "POST", json: { from_phase: "extraction" } })).status).toBe(200);
    await settle(t);
    expect(await amountOfCrane()).toEqual({ value: 950, status: "completed" });
  });
});
