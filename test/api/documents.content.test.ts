import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, settle } from "../support/pipelines";
import { drawPdf } from "../support/pdf-layouts";
import { CASES, seeded } from "../support/table-pdfs";

let t: TestApp;
let pdf: string;
beforeAll(async () => {
  t = await startTestApp();
  pdf = Buffer.from(await drawPdf([
    { items: [{ text: "Rechnung", x: 50, y: 780, size: 16 }, { text: "262,90", x: 545, y: 700, right: true }, { text: "Zwischensumme", x: 380, y: 700 }] },
    { items: [{ text: "Seite 2", x: 50, y: 780 }] },
  ])).toString("base64");
});
afterAll(() => t.close());

const html = "<html><body><h2>Order O-7</h2><p>Customer: Jane | Roe</p><table><tr><th>Item</th><th>Amount</th></tr>"
  + "<tr><td>Widget</td><td>12,50</td></tr></table><p>Thanks</p></body></html>";
const fields = [{ name: "total", type: "string", extract: [{ type: "regex", pattern: "Zwischensumme\\s+(\\S+)" }] }];
const phases = [{ type: "transfer" }, { type: "extraction" }];

/** Runs documents through the queue; returns the run and each document's transfer step, in document order. */
async function run(documents: unknown[], extra: Record<string, unknown> = {}) {
  const { res, body } = await createPipeline(t, { fields, phases, documents, ...extra });
  expect(res.status).toBe(202);
  await settle(t);
  const steps = (await (await t.request(`/v1/pipelines/${body.id}/steps`)).json()).items as Array<{ phase_type: string; document_id: string; result_url: string | null }>;
  const { order } = await (await t.request(`/v1/pipelines/${body.id}/records`)).json();
  const transfers = (order as string[]).map((id) => steps.find((s) => s.phase_type === "transfer" && s.document_id === id)!);
  return { run: body, transfers, steps };
}
const content = (url: string, key?: string) => t.request(url, { key });

describe("GET /v1/pipelines/{id}/documents/{document_id}/content", () => {
  it("text is exactly what extractors see, pages separated by a form feed; result_url names it", async () => {
    const { run: created, transfers, steps } = await run([{ content_base64: pdf, filename: "r.pdf" }]);
    expect(created.output_format).toBe("text");
    const [transfer] = transfers;
    expect(transfer.result_url).toBe(`/v1/pipelines/${created.id}/documents/${transfer.document_id}/content?format=text`);
    expect(steps.find((s) => s.phase_type === "extraction")!.result_url).toBeNull();
    const res = await content(transfer.result_url!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const pages = (await res.text()).split("\f");
    expect(pages).toHaveLength(2);
    expect(pages[0]).toMatch(/Zwischensumme {2,}262,90/);
    const records = await (await t.request(`/v1/pipelines/${created.id}/records`)).json();
    const cell = records.records[records.order[0]].fields.total;
    expect(pages[cell.meta.provenance.page].slice(cell.meta.provenance.start, cell.meta.provenance.end)).toBe(cell.value);
  });

  it("json is pages → lines → words with spans and boxes, the same boxes provenance names", async () => {
    const { run: created, transfers } = await run([{ content_base64: pdf, filename: "r.pdf" }], { output_format: "json" });
    expect(transfers[0].result_url).toMatch(/content\?format=json$/);
    const doc = await (await content(transfers[0].result_url!)).json();
    expect(doc.coordinates).toEqual({ unit: "pt", origin: "top-left" });
    const [first] = doc.pages;
    const line = first.lines.find((l: { text: string }) => l.text.includes("Zwischensumme"));
    expect(first.text.slice(line.start, line.end)).toBe(line.text);
    expect(line.words.map((w: { text: string }) => w.text)).toEqual(["Zwischensumme", "262,90"]);
    const value = line.words[1];
    expect(value.bbox[2]).toBeCloseTo(545, 0);
    const records = await (await t.request(`/v1/pipelines/${created.id}/records`)).json();
    expect(records.records[records.order[0]].fields.total.meta.provenance.bbox).toEqual(value.bbox);
  });

  it("markdown keeps an HTML page's headings and tables, a CSV as a table, a PDF fenced by page", async () => {
    const { transfers } = await run([
      { text: html, mime_type: "text/html" },
      { text: "number;total\nA-1;9,90\n", filename: "a.csv" },
      { content_base64: pdf, filename: "r.pdf" },
    ], { output_format: "markdown" });
    const [page, csv, doc] = await Promise.all(transfers.map(async (s) => (await content(s.result_url!)).text()));
    expect(page).toContain("## Order O-7\n\nCustomer: Jane | Roe\n\n| Item | Amount |\n| --- | --- |\n| Widget | 12,50 |\n\nThanks");
    expect(csv).toBe("| number | total |\n| --- | --- |\n| A-1 | 9,90 |");
    expect(doc).toMatch(/^## Page 1\n\n```text\nRechnung\n/);
    expect(doc).toContain("## Page 2");
  });

  it("a PDF's tables show as Markdown tables in place and are listed in json with page, box and method", async () => {
    const drawn = await CASES[1](seeded(42));
    const { transfers } = await run([{ content_base64: Buffer.from(drawn.pdf).toString("base64"), filename: "t.pdf" }], { output_format: "markdown" });
    const markdown = await (await content(transfers[0].result_url!)).text();
    const first = drawn.truth[0];
    expect(markdown).toMatch(/^## Page 1\n\n```text\nLieferschein/);
    expect(markdown).toContain(`| Article | Quantity | Unit price | Amount |\n| --- | --- | --- | --- |\n| ${first.article} | ${first.qty} | ${first.price} | ${first.amount} |`);
    const doc = await (await content(transfers[0].result_url!.replace("markdown", "json"))).json();
    expect(doc.tables).toHaveLength(1);
    expect(doc.tables[0]).toMatchObject({ page: 0, method: "stream", header: ["Article", "Quantity", "Unit price", "Amount"] });
    expect(doc.tables[0].rows.slice(0, drawn.truth.length)).toEqual(drawn.truth.map((r) => [r.article, r.qty, r.price, r.amount]));
    expect(doc.tables[0].bbox).toHaveLength(4);
  });

  it("answers 404 for another tenant's run or document, 400 for a bad id or format, 409 before transfer", async () => {
    const { run: created, transfers } = await run([{ text: "Zwischensumme 1" }]);
    const url = transfers[0].result_url!;
    const other = await t.otherTenant();
    expect((await content(url, other.api_key)).status).toBe(404);
    const theirs = await createPipeline(t, { fields, phases, documents: [{ text: "x" }] }, {});
    expect((await content(url.replace(created.id, theirs.body.id))).status).toBe(404);
    expect((await content(url.replace(transfers[0].document_id, crypto.randomUUID()))).status).toBe(404);
    const bad = await content(url.replace("format=text", "format=pdf"));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].path).toBe("query.format");
    expect((await content(`/v1/pipelines/${created.id}/documents/nope/content`)).status).toBe(400);
    expect((await content(url, await t.createKey(["read"]))).status).toBe(200);
    await t.db.updateTable("documents").set({ parsed: null }).where("id", "=", transfers[0].document_id).execute();
    const unparsed = await content(url);
    expect(unparsed.status).toBe(409);
    expect((await unparsed.json()).error.code).toBe("conflict");
    expect((await createPipeline(t, { fields, phases, documents: [{ text: "x" }], output_format: "pdf" })).res.status).toBe(400);
  });

  it("a template run chooses the format its result_urls name too", async () => {
    const template = await (await t.request("/v1/templates", { method: "POST", json: { name: "content", fields, phases } })).json();
    await t.request(`/v1/templates/${template.id}/publish`, { method: "POST", json: {} });
    const res = await t.request(`/v1/templates/${template.id}/run`, { method: "POST", json: { documents: [{ text: "Zwischensumme 3" }], output_format: "markdown" } });
    expect(res.status).toBe(202);
    const created = await res.json();
    expect(created.output_format).toBe("markdown");
    await settle(t);
    const [transfer] = (await (await t.request(`/v1/pipelines/${created.id}/steps`)).json()).items;
    expect(transfer.result_url).toMatch(/content\?format=markdown$/);
    expect(await (await content(transfer.result_url)).text()).toBe("Zwischensumme 3");
  });
});
