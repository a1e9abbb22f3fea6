import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawPdf } from "../support/pdf-layouts";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { MAX_CHILD_DOCUMENTS } from "../../src/pipeline/children";

/**
 * Attachments become child documents of the same run, each parsed by its own format: a cover PDF
 * carrying two invoices (a PDF and a CSV) as embedded files, drawn and attached with pdf-lib.
 */

const invoicePdf = (number: string, total: string) =>
  drawPdf([{ items: [{ text: `Invoice No: ${number}`, x: 330, y: 760 }, { text: "Total:", x: 330, y: 200 }, { text: total, x: 540, y: 200, right: true }] }]);

async function coverWith(files: Array<{ bytes: Uint8Array | string; name: string; mime: string }>) {
  const cover = await PDFDocument.load(await drawPdf([{ items: [{ text: "Cover letter: two invoices enclosed", x: 50, y: 760 }] }]));
  // pdf-lib reads a string as base64: text goes in as its UTF-8 bytes.
  for (const f of files) await cover.attach(typeof f.bytes === "string" ? new TextEncoder().encode(f.bytes) : f.bytes, f.name, { mimeType: f.mime });
  return cover.save();
}

const fields = [
  { name: "number", type: "string", extract: [{ type: "table", column: "number" }, { type: "label", labels: ["Invoice No"] }] },
  { name: "total", type: "number", extract: [{ type: "table", column: "total" }, { type: "label", labels: ["Total"] }] },
];
const phases = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }];

type RecordsBody = {
  order: string[];
  records: Record<string, {
    document_id: string; filename: string | null; status: string; parent_document_id?: string; children?: string[];
    attachment?: { filename: string | null; mime_type: string | null; index: number }; fields: Record<string, { value: unknown }>;
  }>;
  errors: Array<{ code: string }>;
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function run(pdf: Uint8Array) {
  const res = await t.request("/v1/pipelines", {
    method: "POST",
    json: { name: "mail", fields, phases, documents: [{ id: "cover", content_base64: Buffer.from(pdf).toString("base64"), filename: "cover.pdf" }] },
  });
  expect(res.status).toBe(202);
  const { id } = await res.json();
  await settle(t);
  return { id: id as string, body: (await (await t.request(`/v1/pipelines/${id}/records`)).json()) as RecordsBody };
}

describe("attachments: each embedded file is a child document parsed by its own format", () => {
  it("reads the cover and both attachments, each with its parent and attachment facts", async () => {
    const pdf = await coverWith([
      { bytes: await invoicePdf("A-77", "19.99"), name: "a-77.pdf", mime: "application/pdf" },
      { bytes: "number,total\nC-5,250.00\n", name: "c-5.csv", mime: "text/csv" },
    ]);
    const { id, body } = await run(pdf);
    const [cover, ...children] = body.order.map((k) => body.records[k]);
    expect(cover.parent_document_id).toBeUndefined();
    expect(cover.children).toEqual(children.map((c) => c.document_id));
    expect(children.map((c) => c.parent_document_id)).toEqual([cover.document_id, cover.document_id]);
    expect(children.map((c) => c.attachment)).toEqual([
      { filename: "a-77.pdf", mime_type: null, index: 0 },
      { filename: "c-5.csv", mime_type: null, index: 1 },
    ]);
    expect(children.map((c) => [c.fields.number.value, c.fields.total.value])).toEqual([["A-77", 19.99], ["C-5", 250]]);
    const pipeline = await (await t.request(`/v1/pipelines/${id}`)).json();
    expect(pipeline.status).toBe("completed");
    expect(pipeline.rate_breakdown.documents).toBe(3);
    // The cover's stored parse keeps the attachments' names, not their bytes (they live in the children).
    const content = await (await t.request(`/v1/pipelines/${id}/documents/${cover.document_id}/content?format=json`)).json();
    expect(JSON.stringify(content)).not.toContain(Buffer.from("number,total").toString("base64").slice(0, 12));
  });

  it("refuses more attachments than a document may make, naming the limit, and the run goes on", async () => {
    const many = Array.from({ length: MAX_CHILD_DOCUMENTS + 1 }, (_, i) => ({ bytes: `n,${i}\n`, name: `f${i}.csv`, mime: "text/csv" }));
    const { body } = await run(await coverWith(many));
    expect(body.order).toHaveLength(1);
    expect(body.records.cover.status).toBe("error");
    expect(body.errors[0].code).toBe("too_many_child_documents");
  });
});
