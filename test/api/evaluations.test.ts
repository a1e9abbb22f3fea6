import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceText, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const post = (path: string, json: unknown) => t.request(path, { method: "POST", json });
const get = async (path: string) => (await t.request(path)).json();

// doc-0 is read right; doc-1's total is misread past every gate (silent); doc-2's total is parked by the gate (not silent).
const evaluationDocuments = [
  { id: "doc-0", text: invoiceText(0, 100), expected: { invoice_number: "INV-0", total: 100 } },
  { id: "doc-1", text: invoiceText(1, 120), expected: { invoice_number: "INV-1", total: 210 } },
  { id: "doc-2", text: invoiceText(2, 20_000), expected: { invoice_number: "INV-2", total: 20_000 } },
];

describe("evaluations", () => {
  it("scores a run created with run_evals: accuracy per field, differences per document, silent errors", async () => {
    const { res, body } = await createPipeline(t, { documents: evaluationDocuments, run_evals: true });
    expect(res.status).toBe(202);
    expect(body.input_config).toMatchObject({ run_evals: true });
    await settle(t);
    const evaluation = await get(`/v1/pipelines/${body.id}/evaluation`);
    expect(evaluation).toMatchObject({
      status: "completed", pipeline_id: body.id, execution_id: body.execution_id, documents_evaluated: 3, silent_errors: 1,
      fields: {
        invoice_number: { compared: 3, correct: 3, accuracy: 1, silent_errors: 0 },
        total: { compared: 3, correct: 1, accuracy: 0.3333, silent_errors: 1 },
      },
      comparison: null,
    });
    const byRecord = Object.fromEntries(evaluation.documents.map((d: { record_id: string }) => [d.record_id, d]));
    expect(byRecord["doc-0"].differences).toEqual([]);
    expect(byRecord["doc-1"].differences).toEqual([{ field: "total", expected: 210, actual: 120, status: "completed", silent: true }]);
    expect(byRecord["doc-2"].differences).toEqual([{ field: "total", expected: 20_000, actual: null, status: "needs_review", silent: false }]);

    // An evaluation lost after the finishing commit is computed on the first read.
    await t.db.deleteFrom("evaluations").where("pipeline_id", "=", body.id).execute();
    expect(await get(`/v1/pipelines/${body.id}/evaluation`)).toMatchObject({ status: "completed", silent_errors: 1, documents_evaluated: 3 });
  });

  it("has no evaluation for a run created without run_evals", async () => {
    const { body } = await createPipeline(t, { documents: evaluationDocuments.slice(0, 1) });
    await settle(t);
    const res = await t.request(`/v1/pipelines/${body.id}/evaluation`);
    expect(res.status).toBe(404);
  });

  it("keeps a template's evaluation set and compares each evaluated version with the previous one", async () => {
    const template = await (await post("/v1/templates", { name: "Evaluated", ...invoiceDefinition })).json();
    const badSet = await t.request(`/v1/templates/${template.id}/evaluation-set`, { method: "PUT", json: { documents: [{ text: "x" }] } });
    expect(badSet.status).toBe(400);
    expect((await badSet.json()).error.details[0].path).toBe("documents.0.expected");
    const put = await t.request(`/v1/templates/${template.id}/evaluation-set`, { method: "PUT", json: { documents: evaluationDocuments } });
    expect(put.status).toBe(200);
    expect((await get(`/v1/templates/${template.id}/evaluation-set`)).documents).toHaveLength(3);
    expect((await post(`/v1/templates/${template.id}/publish`, {})).status).toBe(201);

    // Version 2 reads the total with a pattern that misses doc-0's 100.00: the field and that document get worse.
    const worse = {
      fields: [invoiceDefinition.fields[0], { name: "total", type: "number", required: true, extract: [{ type: "regex", pattern: "Total: (1[1-9]\\d\\.00|20000\\.00)" }] }, invoiceDefinition.fields[2]],
    };
    expect((await t.request(`/v1/templates/${template.id}`, { method: "PATCH", json: worse })).status).toBe(200);
    expect((await post(`/v1/templates/${template.id}/publish`, {})).status).toBe(201);

    const first = await post(`/v1/templates/${template.id}/evaluate`, { version: 1 });
    expect(first.status).toBe(202);
    const firstRun = await first.json();
    expect(firstRun).toMatchObject({ pipeline_id: template.id, pipeline_version: 1, evaluation_url: `/v1/pipelines/${firstRun.id}/evaluation` });
    await settle(t);
    expect((await get(`/v1/pipelines/${firstRun.id}/evaluation`)).comparison).toBeNull();

    const second = await (await post(`/v1/templates/${template.id}/evaluate`, { version: 2 })).json();
    await settle(t);
    const evaluation = await get(`/v1/pipelines/${second.id}/evaluation`);
    expect(evaluation.template_version).toBe(2);
    expect(evaluation.comparison).toMatchObject({
      against: { pipeline_id: firstRun.id, template_version: 1 },
      fields: { better: [], worse: ["total"], unchanged: ["invoice_number"] },
      documents: { better: [], worse: ["doc-0"] },
      accuracy_delta: expect.any(Number),
    });
  });

  it("refuses an evaluation without a set, and hides another tenant's template", async () => {
    const template = await (await post("/v1/templates", { name: "No set", ...invoiceDefinition })).json();
    const res = await post(`/v1/templates/${template.id}/evaluate`, { version: 0 });
    expect(res.status).toBe(400);
    expect((await post(`/v1/templates/${crypto.randomUUID()}/evaluate`, { version: 0 })).status).toBe(404);
    const other = await t.otherTenant();
    const foreign = { key: other.api_key };
    expect((await t.request(`/v1/templates/${template.id}/evaluation-set`, foreign)).status).toBe(404);
    expect((await t.request(`/v1/templates/${template.id}/evaluation-set`, { ...foreign, method: "PUT", json: { documents: evaluationDocuments } })).status).toBe(404);
    const { body: run } = await createPipeline(t, { documents: evaluationDocuments.slice(0, 1), run_evals: true });
    expect((await t.request(`/v1/pipelines/${run.id}/evaluation`, foreign)).status).toBe(404);
    await settle(t);
  });
});
