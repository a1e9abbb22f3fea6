import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";
import { createProduct, finishedRunWithParkedCell, openReviews } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const rerun = (id: string, json: unknown, key?: string) => t.request(`/v1/pipelines/${id}/rerun`, { method: "POST", json, key });
const snapshots = (pipelineId: string) =>
  t.db.selectFrom("document_phases as s").innerJoin("documents as d", "d.id", "s.document_id")
    .select(["s.document_id", "s.phase_index", "s.generation", "s.cells", "s.created_at"]).where("d.pipeline_id", "=", pipelineId)
    .orderBy("s.document_id").orderBy("s.phase_index").execute();

describe("rerun from each phase keeps earlier cells and reviewer decisions", () => {
  it.each([
    ["transfer", 0],
    ["extraction", 1],
    ["resolution", 2],
    ["validation", 3],
  ] as const)("from %s", async (phase, index) => {
    const run = await finishedRunWithParkedCell(t, 3, 1);
    const { body: product } = await createProduct(t, run.id);
    const [item] = await openReviews(t, product.dataProduct.id);
    await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "override", value: 2500 } });
    const before = await snapshots(run.id);

    const res = await rerun(run.id, { from_phase: phase });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ enqueued: 3, fromPhaseIndex: index });
    await settle(t);

    const detail = await (await t.request(`/v1/pipelines/${run.id}`)).json();
    expect(detail).toMatchObject({ status: "completed", generation: 2, documents_by_state: { complete: 3 } });
    const records = await (await t.request(`/v1/pipelines/${run.id}/records`)).json();
    const reviewed = Object.values(records.records as Record<string, { document_id: string; fields: Record<string, unknown> }>).find((r) => r.document_id === item.document_id);
    expect(reviewed!.fields.total).toMatchObject({ value: 2500, status: "completed", resolved_by: "review" });

    const after = await snapshots(run.id);
    const earlier = (rows: typeof before) => rows.filter((r) => r.phase_index < index);
    expect(earlier(after)).toEqual(earlier(before));
    expect(after.filter((r) => r.phase_index >= index).every((r) => r.generation === 2)).toBe(true);
    const steps = await t.db.selectFrom("steps").select(["phase_index", "generation"]).where("pipeline_id", "=", run.id).where("generation", "=", 2).execute();
    expect(steps).toHaveLength(3 * (4 - index));
    expect(Math.min(...steps.map((s) => s.phase_index))).toBe(index);

    const rebuilt = await createProduct(t, run.id);
    expect(rebuilt.body.dataProduct.id).toBe(product.dataProduct.id);
    expect(await openReviews(t, product.dataProduct.id)).toEqual([]);
  });

  it("keeps a parked cell parked and its single review item when nobody decided", async () => {
    const run = await finishedRunWithParkedCell(t, 2, 0);
    const { body: product } = await createProduct(t, run.id);
    const [item] = await openReviews(t, product.dataProduct.id);
    expect((await rerun(run.id, { from_phase: "validation" })).status).toBe(200);
    await settle(t);
    await createProduct(t, run.id);
    const items = await openReviews(t, product.dataProduct.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ document_id: item.document_id, field: "total", gate: "sane_total" });
  });

  it("keeps the fields blocked by a gate positioned before the rerun start", async () => {
    const definition = {
      fields: invoiceDefinition.fields,
      phases: [
        { type: "transfer" },
        { type: "extraction" },
        { type: "validation", gates: [{ id: "number_shape", mode: "blocking", rules: [{ rule: "pattern", field: "invoice_number", pattern: "^INV-\\d+$" }] }] },
        { type: "resolution" },
        { type: "validation", gates: [{ id: "sane_total", mode: "blocking", rules: [{ rule: "max", field: "total", value: 10000 }] }] },
      ],
    };
    const res = await t.request("/v1/pipelines", {
      method: "POST",
      json: { ...definition, documents: [{ text: "Invoice No: XX-1\nTotal: 5.00\n" }, { text: "Invoice No: INV-2\nTotal: 6.00\n" }] },
    });
    const run = await res.json();
    await settle(t);
    const again = await rerun(run.id, { from_phase: "resolution" });
    expect(await again.json()).toEqual({ enqueued: 2, fromPhaseIndex: 3 });
    await settle(t);
    const records = await (await t.request(`/v1/pipelines/${run.id}/records`)).json();
    const [blocked, fine] = records.order.map((id: string) => records.records[id].fields);
    expect(blocked.invoice_number).toMatchObject({ status: "needs_review", value: null });
    expect(blocked.total).toMatchObject({ status: "completed", value: 5 });
    expect(fine.invoice_number).toMatchObject({ status: "completed", value: "INV-2" });
  });
});

describe("rerun errors", () => {
  it("400s while a document is processing, for a missing phase type or a bad body", async () => {
    const run = await finishedRunWithParkedCell(t, 2, 0);
    const [doc] = await t.db.selectFrom("documents").select("id").where("pipeline_id", "=", run.id).execute();
    await t.db.updateTable("documents").set({ status: "processing" }).where("id", "=", doc.id).execute();
    expect((await rerun(run.id, { from_phase: "extraction" })).status).toBe(400);
    await t.db.updateTable("documents").set({ status: "complete" }).where("id", "=", doc.id).execute();

    for (const body of [{}, { from_phase: "magic" }, { from_phase: "extraction", extra: true }]) {
      const res = await rerun(run.id, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.details.length).toBeGreaterThan(0);
    }

    const { body: noValidation } = await createPipeline(t, { documents: invoiceDocuments(1), phases: invoiceDefinition.phases.slice(0, 3) });
    await settle(t);
    const missing = await rerun(noValidation.id, { from_phase: "validation" });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.details).toEqual([{ path: "from_phase", message: "no phase of type 'validation'" }]);

    const generation = await t.db.selectFrom("pipelines").select("generation").where("id", "=", run.id).executeTakeFirstOrThrow();
    expect(generation.generation).toBe(1);
  });

  it("404s another tenant's run and 403s a read key", async () => {
    const run = await finishedRunWithParkedCell(t, 1, 0);
    const other = await t.otherTenant();
    expect((await rerun(run.id, { from_phase: "validation" }, other.api_key)).status).toBe(404);
    expect((await rerun(run.id, { from_phase: "validation" }, await t.createKey(["read"]))).status).toBe(403);
  });
});
