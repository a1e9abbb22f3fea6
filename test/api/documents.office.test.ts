import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDocx, TERMS_STEPS, termsDocx, workbookXlsx } from "../support/office-fixtures";
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

  it("Word's numbered and bulleted lists and an HTML page's lists come back as list chunks and Markdown lists", async () => {
    const page = "<html><body><h2>Returns</h2><p>To return goods:</p><ol><li>Ask for an RMA number</li><li>Pack the goods</li></ol>"
      + "<p>We refund:</p><ul><li>Unused items</li><li>Faulty items<ul><li>within 2 years</li></ul></li></ul></body></html>";
    const { res, body } = await createPipeline(t, {
      fields: [{ name: "number", type: "string", extract: [{ type: "regex", pattern: "(INV-\\d+)" }] }],
      phases: [{ type: "transfer" }, { type: "extraction" }],
      output_format: "chunks",
      documents: [{ content_base64: b64(await termsDocx()), filename: "terms.docx" }, { text: page, mime_type: "text/html" }],
    });
    expect(res.status).toBe(202);
    await settle(t);
    const records = await (await t.request(`/v1/pipelines/${body.id}/records`)).json();
    const steps = (await (await t.request(`/v1/pipelines/${body.id}/steps`)).json()).items as Array<{ phase_type: string; document_id: string; result_url: string }>;
    const ids = { terms: records.order[0] as string, page: records.order[1] as string };
    expect(records.records[ids.terms].fields.number.value).toBe("INV-2041");
    const url = (id: keyof typeof ids) => steps.find((s) => s.phase_type === "transfer" && s.document_id === ids[id])!.result_url;
    const lists = async (id: keyof typeof ids) => ((await (await t.request(url(id))).json()).chunks as Array<{ type: string; text: string }>)
      .filter((c) => c.type === "list").map((c) => c.text);
    expect(await lists("terms")).toEqual([TERMS_STEPS.map((step, i) => `${i + 1}. ${step}`).join("\n"), "- Bank transfer\n  - SEPA credit transfer only\n- Card payment"]);
    expect(await lists("page")).toEqual(["1. Ask for an RMA number\n2. Pack the goods", "- Unused items\n- Faulty items\n  - within 2 years"]);

    const markdown = async (id: keyof typeof ids) => (await t.request(url(id).replace("format=chunks", "format=markdown"))).text();
    expect(await markdown("terms")).toContain(`\n\n1. ${TERMS_STEPS[0]}\n2. ${TERMS_STEPS[1]}\n3. ${TERMS_STEPS[2]}\n\nWe accept:\n\n- Bank transfer\n  - SEPA`);
    expect(await markdown("page")).toBe("## Returns\n\nTo return goods:\n\n1. Ask for an RMA number\n2. Pack the goods\n\nWe refund:\n\n- Unused items\n- Faulty items\n  - within 2 years");
  });
});
