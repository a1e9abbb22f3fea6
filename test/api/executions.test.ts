import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPipeline } from "../../src/db/queries/pipelines";
import { rerunPipeline } from "../../src/pipeline/rerun";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, invoiceText, settle } from "../support/pipelines";
import { resolvedDocument } from "../support/openapi-refs";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const post = (path: string, json: unknown) => t.request(path, { method: "POST", json });
const get = async (path: string) => (await t.request(path)).json();

describe("executions with lineage", () => {
  it("answers a create with seed 004's fields and closes the execution with its outcome when the run finishes", async () => {
    const { res, body } = await createPipeline(t, { documents: invoiceDocuments(2), page_range: "0", context: { batch: "b-7" } });
    expect(res.status).toBe(202);
    expect(body).toMatchObject({
      status: "running", pipeline_id: null, pipeline_version: null, completed_at: null,
      input_config: { page_range: "0" }, rate_breakdown: { documents: 2, pages: 0, cells: 6, queue_messages: 2 },
      execution: { triggered_by: "api", depth: 0, parent_id: null, context: { batch: "b-7" }, status: "running" },
    });
    expect(body.execution_id).toBe(body.execution.id);
    expect(body.config_snapshot.fields).toHaveLength(3);
    expect(body.steps.map((s: { step_type: string; status: string }) => `${s.step_type}:${s.status}`))
      .toEqual(["transfer:pending", "extraction:pending", "resolution:pending", "validation:pending"]);
    await settle(t);

    const run = await get(`/v1/pipelines/${body.id}`);
    expect(run).toMatchObject({
      id: body.id, status: "completed", execution_id: body.execution_id, rate_breakdown: { documents: 2, pages: 2 },
      execution: { status: "completed", error: null, outcome: { row_count: 2, summary: expect.stringContaining("2 complete") } },
    });
    expect(run.completed_at).toBeTruthy();
    const [transfer, extraction] = run.steps;
    expect(transfer).toMatchObject({ step_index: 0, status: "completed", source_step_type: null, checkpoint_id: null, error_message: null });
    expect(transfer.lookup_key).toBeNull(); // two documents, two different contents
    expect(extraction).toMatchObject({ step_index: 1, step_type: "extraction", status: "completed", source_step_type: "transfer" });
    expect(extraction.checkpoint_id).toBe(`${body.id}/phases/0@1`);
    // Transfer's output is the parse; every other phase's is its stored cells, of the same document.
    expect(transfer.result_url).toMatch(new RegExp(`^/v1/pipelines/${body.id}/documents/[0-9a-f-]{36}/content\\?format=text$`));
    expect(extraction.result_url).toBe(transfer.result_url.replace(/content\?format=text$/, "phases/1"));
    expect(new Date(extraction.started_at).getTime()).toBeLessThanOrEqual(new Date(extraction.finished_at).getTime());
    const steps = (await get(`/v1/pipelines/${body.id}/steps`)).items;
    expect(steps.every((s: { execution_id: string }) => s.execution_id === body.execution_id)).toBe(true);
  });

  it("makes each rerun and scheduled rerun a child execution; the tree shows depth and root_only keeps the root", async () => {
    const { body } = await createPipeline(t, { documents: invoiceDocuments(1) });
    await settle(t);
    expect((await post(`/v1/pipelines/${body.id}/rerun`, { from_phase: "extraction" })).status).toBe(200);
    await settle(t);
    const afterRerun = await get(`/v1/pipelines/${body.id}`);
    expect(afterRerun.steps.map((s: { status: string }) => s.status)).toEqual(["reused", "completed", "completed", "completed"]);
    expect(afterRerun.execution).toMatchObject({ triggered_by: "rerun", depth: 1, parent_id: body.execution_id, root_id: body.execution_id });

    const row = await findPipeline(t.db, t.organizationId, body.id);
    const scheduleId = crypto.randomUUID();
    await rerunPipeline(t.services, row!, "validation", { by: "schedule", scheduleId });
    await settle(t);

    const tree = await get(`/v1/pipelines/${body.id}/tree`);
    expect(tree.items.map((r: { id: string }) => r.id)).toEqual([body.id]);
    expect(tree.execution_root_id).toBe(body.execution_id);
    expect(tree.executions.map((e: { depth: number; triggered_by: string; trigger_ref: string | null; status: string }) =>
      [e.depth, e.triggered_by, e.trigger_ref, e.status])).toEqual([
      [0, "api", null, "completed"], [1, "rerun", null, "completed"], [2, "schedule", scheduleId, "completed"],
    ]);
    expect(tree.executions[2].parent_id).toBe(tree.executions[1].id);
    const roots = await get(`/v1/pipelines/${body.id}/tree?root_only=true`);
    expect(roots.executions.map((e: { id: string }) => e.id)).toEqual([body.execution_id]);
    const rerunSteps = (await get(`/v1/pipelines/${body.id}/steps?execution_id=${tree.executions[1].id}`)).items;
    expect(rerunSteps.map((s: { phase_index: number }) => s.phase_index)).toEqual([1, 2, 3]);
  });

  it("closes a cancelled run's execution as cancelled", async () => {
    const { body } = await createPipeline(t, { documents: invoiceDocuments(3) });
    await post(`/v1/pipelines/${body.id}/cancel`, {});
    await settle(t);
    const run = await get(`/v1/pipelines/${body.id}`);
    expect(run.execution.status).toBe(run.status);
    expect(run.execution.completed_at).toBeTruthy();
  });

  it("refuses a context over 16 KB at its path", async () => {
    const { res, body } = await createPipeline(t, { documents: invoiceDocuments(1), context: { blob: "x".repeat(17 * 1024) } });
    expect(res.status).toBe(400);
    expect(body.error.details[0].path).toBe("context");
  });
});

describe("published tasks with context variables", () => {
  const definition = {
    ...invoiceDefinition,
    fields: [...invoiceDefinition.fields, { name: "net", type: "number", expression: "total * $context.rate" }],
    context_vars: [
      { name: "rate", type: "number", required: true, description: "conversion rate" },
      { name: "region", type: "string", default: "eu" },
    ],
  };

  it("lists the variables, refuses a run without a required one and feeds $context to expressions", async () => {
    const badDefault = await post("/v1/templates", { name: "Bad", ...definition, context_vars: [{ name: "rate", type: "number", default: "x" }] });
    expect(badDefault.status).toBe(400);
    expect((await badDefault.json()).error.details[0].path).toBe("context_vars.0.default");
    const undeclared = await post("/v1/templates", { name: "Bad", ...definition, context_vars: [] });
    expect((await undeclared.json()).error.details).toEqual([{ path: "fields.3.expression", message: "reads $context.rate, which context_vars does not declare" }]);
    const template = await (await post("/v1/templates", { name: "Converted", ...definition })).json();
    expect(template.context_vars).toHaveLength(2);
    expect((await post(`/v1/templates/${template.id}/publish`, {})).status).toBe(201);
    const listed = await get("/v1/templates?published=true");
    expect(listed.items.find((x: { id: string }) => x.id === template.id).context_vars.map((x: { name: string }) => x.name)).toEqual(["rate", "region"]);

    const missing = await post(`/v1/templates/${template.id}/run`, { documents: invoiceDocuments(1) });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.details).toEqual([{ path: "context.rate", message: expect.stringContaining("required") }]);
    const wrongType = await post(`/v1/templates/${template.id}/run`, { documents: invoiceDocuments(1), context: { rate: "2" } });
    expect((await wrongType.json()).error.details[0].path).toBe("context.rate");

    const res = await post(`/v1/templates/${template.id}/run`, { documents: [{ id: "a", text: invoiceText(1, 100) }], context: { rate: 2 } });
    expect(res.status).toBe(202);
    const run = await res.json();
    expect(run).toMatchObject({
      pipeline_id: template.id, pipeline_version: 1,
      execution: { triggered_by: "template", trigger_ref: `${template.id}@1`, context: { rate: 2, region: "eu" } },
    });
    await settle(t);
    const records = await get(`/v1/pipelines/${run.id}/records`);
    expect(records.records.a.fields.net).toMatchObject({ value: 200, status: "completed" });
  });
});

describe("records per seed 003", () => {
  it("keys records by the caller's id with the document's UUID beside it, and types a cell nothing produced `unknown`", async () => {
    const { body } = await createPipeline(t, { documents: [{ id: "first", text: invoiceText(1) }, { text: "Invoice No: INV-9\nTotal: 5.00\n" }] });
    await settle(t);
    const records = await get(`/v1/pipelines/${body.id}/records`);
    const [uuidKey] = records.order.filter((k: string) => k !== "first");
    expect(records.order[0]).toBe("first");
    expect(records.records.first).toMatchObject({ id: "first", external_id: "first" });
    expect(records.records.first.document_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(records.records[uuidKey]).toMatchObject({ id: uuidKey, document_id: uuidKey, external_id: null });
    expect(records.records[uuidKey].fields.issued).toMatchObject({ value: null, status: "no_result", type: "unknown", claimed_by: "extraction:label" });
    expect(records.records.first.fields.issued).toMatchObject({ type: "date", claimed_by: "extraction:label" });
    expect(records.field_definitions.total.ui).toEqual({ format: "number" });
  });

  it("refuses two documents with the same id in one run", async () => {
    const { res, body } = await createPipeline(t, { documents: [{ id: "x", text: "a" }, { id: "x", text: "b" }] });
    expect(res.status).toBe(400);
    expect(body.error.details).toEqual([{ path: "documents.1.id", message: "duplicates documents.0.id" }]);
  });
});

describe("the OpenAPI document", () => {
  it("describes executions, seed 004's run fields, evaluations and context variables", async () => {
    const doc = resolvedDocument(await (await t.request("/openapi.json", { key: null })).json());
    const run = doc.paths["/v1/templates/{id}/run"].post.responses["202"].content["application/json"].schema;
    expect(Object.keys(run.properties)).toEqual(expect.arrayContaining(["execution_id", "pipeline_id", "pipeline_version", "steps", "rate_breakdown", "input_config", "config_snapshot"]));
    expect(Object.keys(run.properties.steps.items.properties)).toEqual(expect.arrayContaining(["step_index", "checkpoint_id", "source_step_type", "result_url"]));
    const tree = doc.paths["/v1/pipelines/{id}/tree"].get;
    expect(tree.parameters.map((p: { name: string }) => p.name)).toContain("root_only");
    expect(tree.responses["200"].content["application/json"].schema.properties.executions.items.properties.triggered_by.enum)
      .toEqual(["api", "rerun", "schedule", "template"]);
    const create = doc.paths["/v1/pipelines"].post.requestBody.content["application/json"].schema;
    expect(Object.keys(create.properties)).toEqual(expect.arrayContaining(["context", "run_evals"]));
    expect(Object.keys(create.properties.documents.items.properties)).toContain("expected");
    expect(Object.keys(doc.paths["/v1/templates"].post.requestBody.content["application/json"].schema.properties)).toContain("context_vars");
    expect(doc.paths["/v1/pipelines/{id}/evaluation"].get.responses["200"].content["application/json"].schema.properties.silent_errors).toBeDefined();
    expect(doc.paths["/v1/templates/{id}/evaluation-set"].put).toBeDefined();
    expect(doc.paths["/v1/templates/{id}/evaluate"].post.responses["202"]).toBeDefined();
  });
});
