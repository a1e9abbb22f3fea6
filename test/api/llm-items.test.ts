import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askedFields, fakeLlmEnv, startFakeLlm, type FakeLlm } from "../support/fake-llm";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct } from "../support/products";

let llm: FakeLlm;
let t: TestApp;
beforeAll(async () => {
  llm = await startFakeLlm();
  t = await startTestApp({
    env: fakeLlmEnv(llm),
  });
});
afterAll(async () => {
  await t.close();
  await llm.close();
});

const definition = {
  fields: [
    { name: "vendor", type: "string", extract: [{ type: "llm" }] },
    {
      name: "lines", type: "table", description: "the invoice's line items",
      columns: [{ name: "description", type: "string", required: true }, { name: "qty", type: "integer" }, { name: "amount", type: "number" }],
      extract: [{ type: "llm", instructions: "not the subtotal" }],
    },
  ],
  phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
};

/** Each test's document is new content, so the answer cache only serves what a test means it to. */
const invoice = (lines: string[]) =>
  `ACME Trading GmbH\nRef ${crypto.randomUUID()}\n${lines.join("\n")}\nSubtotal 1,510.00\n`;
const LINES = ["Bolts M8 x 2 @ 10.00", "Crane hire x 1 @ 1,500.00"];

type Cell = { value: unknown; quote?: string | null; page?: number | null };
const said = (value: string | null, quote: string | null, page = 0) => ({ value, quote, page });
const line = (description: Cell, qty: Cell, amount: Cell) => ({ description, qty, amount });
const goodLines = [
  line(said("Bolts M8", "Bolts M8 x 2 @ 10.00"), said("2", "Bolts M8 x 2"), said("10.00", "Bolts M8 x 2 @ 10.00")),
  line(said("Crane hire", "Crane hire x 1"), said("1", "Crane hire x 1"), said("1,500.00", "Crane hire x 1 @ 1,500.00")),
];
const items = (lines: unknown[], vendor = said("ACME Trading GmbH", "ACME Trading GmbH")) => JSON.stringify({ vendor, lines });

type ItemCell = { value: unknown; status: string; reason: { code: string } | null; resolved_by: string | null; meta: Record<string, any> };
async function run(text: string) {
  const res = await t.request("/v1/pipelines", { method: "POST", json: { ...definition, documents: [{ id: "a", text }] } });
  expect(res.status).toBe(202);
  const created = await res.json();
  await settle(t);
  const records = await (await t.request(`/v1/pipelines/${created.id}/records`)).json();
  const fields = records.records.a.fields as Record<string, ItemCell & { value: Array<Record<string, ItemCell>> }>;
  return { id: created.id as string, fields };
}

const valuesOf = (lines: Array<Record<string, ItemCell>>) => lines.map((i) => [i.description.value, i.qty.value, i.amount.value]);

describe("llm extractor on line items", () => {
  it("reads items with the scalar fields in one call, each cell grounded and read by its column's normaliser", async () => {
    llm.script([{ content: items(goodLines) }]);
    const before = llm.requests.length;
    const { id, fields } = await run(invoice(LINES));
    expect(llm.requests.length - before).toBe(1);
    const request = llm.requests[before];
    expect(askedFields(request).sort()).toEqual(["lines", "vendor"]);
    expect(request.body.messages[1].content).toContain("lines: a list of items, each with description (text), qty (a whole number), amount (a number)");

    expect(fields.vendor).toMatchObject({ value: "ACME Trading GmbH", status: "completed" });
    expect(fields.lines).toMatchObject({ status: "completed", resolved_by: "extraction:llm", meta: { item_count: 2 } });
    expect(valuesOf(fields.lines.value)).toEqual([["Bolts M8", 2, 10], ["Crane hire", 1, 1500]]);
    const amount = fields.lines.value[1].amount;
    expect(amount).toMatchObject({ status: "completed", resolved_by: "extraction:llm", meta: { raw: "1,500.00", provenance: { extractor: "llm", page: 0, item_index: 1 } } });
    expect(amount.meta.llm.match).toEqual({ kind: "exact", distance: 0 });

    const extraction = (await (await t.request(`/v1/pipelines/${id}/steps?limit=100`)).json()).items.find((s: { phase_type: string }) => s.phase_type === "extraction");
    expect(extraction.llm).toMatchObject({ tool_name: "llm", cache_hit: false, cost: 0.0028, usage: { input_tokens: 1000, output_tokens: 100 } });
  });

  it("holds an item whose quote is not in the document, and a cell whose value is not in its quote; none of it is released", async () => {
    const invented = line(said("Gold bars", "Gold bars x 3 @ 9,999.00"), said("3", "Gold bars x 3"), said("9,999.00", "Gold bars x 3 @ 9,999.00"));
    const misread = line(goodLines[0].description, goodLines[0].qty, said("7,777.00", "Bolts M8 x 2 @ 10.00"));
    llm.script([{ content: items([misread, goodLines[1], invented]) }]);
    const { id, fields } = await run(invoice(LINES));
    const [first, second, third] = fields.lines.value;
    expect(first.amount).toMatchObject({ status: "needs_review", value: null, reason: { code: "value_not_in_quote" } });
    expect(first.description).toMatchObject({ status: "completed", value: "Bolts M8" });
    expect(second.amount).toMatchObject({ status: "completed", value: 1500 });
    for (const cell of Object.values(third)) expect(cell).toMatchObject({ status: "needs_review", value: null, reason: { code: "ungrounded" } });
    expect(third.description.meta.llm).toMatchObject({ value: "Gold bars", quote: "Gold bars x 3 @ 9,999.00" });

    const { body } = await createProduct(t, id);
    const product = body.dataProduct.id;
    const rows = (await (await t.request(`/v1/data-products/${product}/rows?table=lines`)).json()).items;
    expect(rows[0].fields.amount).toEqual({ value: null, status: "needs_review", reason: "value_not_in_quote" });
    expect(rows[2].fields.description).toEqual({ value: null, status: "needs_review", reason: "ungrounded" });
    const reads = [
      JSON.stringify(rows),
      await (await t.request(`/v1/data-products/${product}/export.csv?table=lines`)).text(),
      await (await t.request(`/share/${body.shareToken.token}.csv?table=lines`, { key: null })).text(),
      await (await t.request(`/share/${body.shareToken.token}`, { key: null })).text(),
    ];
    expect(reads[1]).toContain("Crane hire,1,1500");
    for (const read of reads) {
      expect(read).not.toContain("Gold");
      // Bounded by non-word characters: random ids and tokens may hold "9999" by chance.
      expect(read).not.toMatch(/(?<![\w-])(9,?999|7,?777)(?![\w-])/);
    }
    const reviews = (await (await t.request(`/v1/data-products/${product}/reviews?status=open`)).json()).items as Array<Record<string, unknown>>;
    expect(reviews.map((r) => [r.field, r.item_index, r.column, r.gate]).sort()).toEqual([
      ["lines", 0, "amount", "grounding"], ["lines", 2, "amount", "grounding"], ["lines", 2, "description", "grounding"], ["lines", 2, "qty", "grounding"],
    ]);
  });

  it("reads a long document's items per page chunk, joined in page order, one call per chunk", async () => {
    // Three pages of ~35 000 characters: over the 60 000 a request carries, so each page is a chunk of its own.
    const filler = "Terms and conditions apply to every delivery.\n".repeat(760);
    const pages = [invoice([LINES[0]]) + filler, `${LINES[1]}\n${filler}`, `Freight x 1 @ 0.00\n${filler}`];
    const onPage: Record<number, unknown[]> = {
      0: [goodLines[0]], 1: [{ ...goodLines[1], amount: said("1,500.00", "Crane hire x 1 @ 1,500.00", 1) }], 2: [],
    };
    llm.script((request) => {
      const page = Number(/<<<page (\d+)>>>/.exec(request.body.messages[1].content)![1]);
      return { content: page === 0 ? items(onPage[0]) : JSON.stringify({ lines: onPage[page] }) };
    });
    const before = llm.requests.length;
    const { id, fields } = await run(pages.join("\f"));
    const sent = llm.requests.slice(before);
    expect(sent.map((r) => askedFields(r).sort())).toEqual([["lines", "vendor"], ["lines"], ["lines"]]);
    expect(valuesOf(fields.lines.value)).toEqual([["Bolts M8", 2, 10], ["Crane hire", 1, 1500]]);
    expect(fields.lines.value[1].amount.meta.provenance).toMatchObject({ page: 1, item_index: 1 });
    const extraction = (await (await t.request(`/v1/pipelines/${id}/steps?limit=100`)).json()).items.find((s: { phase_type: string }) => s.phase_type === "extraction");
    expect(extraction.llm).toMatchObject({ cost: 0.0084, usage: { input_tokens: 3000, output_tokens: 300 } });
  });

  it("takes llm among a table field's extractors, after a deterministic one", async () => {
    const res = await t.request("/v1/templates", {
      method: "POST",
      json: { name: "items-llm", ...definition, fields: [{ ...definition.fields[1], extract: [{ type: "rows", line: "^(?P<description>.+) x (?P<qty>\\d+)" }, { type: "llm" }] }] },
    });
    expect(res.status).toBe(201);
  });
});
