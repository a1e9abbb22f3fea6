import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDocx, workbookXlsx } from "../support/office-fixtures";
import { createPipeline, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => (t = await startTestApp()));
afterAll(() => t.close());

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("Office documents through a run, read back in every output format", () => {
  it("a DOCX and an XLSX: fields and sheet cells found, html sanitised, chunks typed", async () => {
    const { res, body } = await createPipeline(t, {
      fields: [
        { name: "number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] },
        { name: "customer", type: "string", extract: [{ type: "table", column: "Customer", row: 1 }] },
      ],
      phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
      output_format: "chunks",
      documents: [{ id: "word", content_base64: b64(await invoiceDocx("INV-77")), filename: "invoice.docx" }, { id: "book", content_base64: b64(await workbookXlsx()) }],
    });
    expect(res.status).toBe(202);
    await settle(t);
    const records = await (await t.request(`/v1/pipelines/${body.id}/records`)).json();
    expect(records.records.word.fields.number.value).toBe("INV-77");
    expect(records.records.book.fields.customer.value).toBe("Initech");
    expect(records.records.book.fields.customer.meta.provenance).toMatchObject({ sheet: "Invoices", cell: "B4" });

    const steps = (await (await t.request(`/v1/pipelines/${body.id}/steps`)).json()).items as Array<{ phase_type: string; result_url: string | null }>;
    const urls = steps.filter((s) => s.phase_type === "transfer").map((s) => s.result_url!);
    expect(urls.every((u) => u.endsWith("?format=chunks"))).toBe(true);
    const chunks = await Promise.all(urls.map(async (u) => (await (await t.request(u)).json()).chunks as Array<{ type: string; text: string }>));
    expect(chunks.flat().map((c) => c.type)).toEqual(expect.arrayContaining(["heading", "paragraph", "table"]));

    const html = await t.request(urls[0].replace("format=chunks", "format=html"));
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await html.text()).toMatch(/<table><thead><tr><th>/);
  });
});
