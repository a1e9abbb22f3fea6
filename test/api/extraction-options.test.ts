import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawPdf, invoiceFixtures } from "../../scripts/bench/invoice-fixtures";
import { INVOICE_DEFINITION } from "../../scripts/bench/invoice-definition";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const records = async (id: string) => (await t.request(`/v1/pipelines/${id}/records`)).json();

describe("extraction options through the API", () => {
  it("stores a list value, says list in field_definitions, and names the when that held", async () => {
    const { body } = await createPipeline(t, {
      name: "lists",
      fields: [
        { name: "vendor", type: "string", extract: [
          { type: "constant", value: "ACME", when: { any: ["acme gmbh"] } }, { type: "constant", value: "unknown" },
        ] },
        { name: "amounts", type: "number", extract: [{ type: "regex", pattern: "Amount (\\S+)", all: true, after: "Items" }] },
        { name: "total", type: "number", aggregate: "sum", extract: [{ type: "label", labels: ["Amount"], all: true }] },
      ],
      phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
      documents: [{ id: "a", text: "ACME GmbH\nAmount 1,00\nItems\nAmount 2,50\nAmount 2,50\n" }],
    });
    await settle(t);
    const result = await records(body.id);
    expect(result.field_definitions.amounts).toMatchObject({ name: "amounts", type: "number", aggregate: "list", list: true });
    const fields = result.records[result.order[0]].fields;
    expect(fields.amounts.value).toEqual([2.5, 2.5]);
    expect(fields.total.value).toBe(6);
    expect(fields.vendor.value).toBe("ACME");
    expect(fields.vendor.meta.provenance.when).toEqual({ any: ["acme gmbh"] });
  });

  it("reads a drawn PDF invoice with the multi-issuer definition, provenance on the page", async () => {
    const [fixture] = await invoiceFixtures(1);
    const pdf = Buffer.from(await drawPdf(fixture)).toString("base64");
    const { body } = await createPipeline(t, { name: "pdf", ...INVOICE_DEFINITION, documents: [{ content_base64: pdf, filename: "a.pdf" }] });
    await settle(t);
    const result = await records(body.id);
    const fields = result.records[result.order[0]].fields;
    for (const [name, value] of Object.entries(fixture.expected)) expect({ name, value: fields[name].value }).toEqual({ name, value });
    expect(fields.vendor.meta.provenance.when).toEqual({ any: ["Northwind Supplies"] });
  });

  it.each([
    [{ type: "label", labels: ["Total"], before: "(?<=x)" }, "fields.0.extract.0.before"],
    [{ type: "regex", pattern: "T (\\S+)", preprocess: [{ replace: ["(", "x"] }] }, "fields.0.extract.0.preprocess.0.replace.0"],
    [{ type: "label", labels: ["Total"], pages: "2-1" }, "fields.0.extract.0.pages"],
  ])("400s %j at its path", async (extractor, path) => {
    const { res, body } = await createPipeline(t, {
      name: "bad", fields: [{ name: "total", type: "number", extract: [extractor] }],
      phases: [{ type: "transfer" }, { type: "extraction" }], documents: [{ text: "x" }],
    });
    expect(res.status).toBe(400);
    expect(body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });
});
