import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, invoiceText, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const CELL_STATUSES = ["pending", "queued", "processing", "completed", "no_result", "failed", "needs_review"];

function expectCellInvariants(cell: Record<string, unknown>) {
  expect(Object.keys(cell).sort()).toEqual(["claimed_by", "meta", "reason", "resolved_by", "status", "type", "value"]);
  expect(CELL_STATUSES).toContain(cell.status);
  expect(cell.resolved_by !== null).toBe(cell.status === "completed");
  const needsReason = ["failed", "no_result", "needs_review"].includes(cell.status as string);
  expect(cell.reason !== null).toBe(needsReason);
  if (needsReason) expect(Object.keys(cell.reason as object).sort()).toEqual(["code", "message", "summary"]);
}

describe("a pipeline run end to end", () => {
  it("processes 50 documents through all four phases and closes the run once", async () => {
    const docs = invoiceDocuments(50);
    docs[7] = { id: "doc-7", text: invoiceText(7, 25_000) }; // over the gate's max: parked for review
    const { res, body } = await createPipeline(t, { name: "fifty", documents: docs });
    expect(res.status).toBe(202);
    expect(body).toMatchObject({ name: "fifty", status: "running", counts: { total: 50, pending: 50 } });
    await settle(t);

    const detail = await (await t.request(`/v1/pipelines/${body.id}`)).json();
    expect(detail.status).toBe("partial");
    expect(detail.documents_by_state).toMatchObject({ complete: 49, partial: 1, queued: 0, processing: 0, error: 0 });
    expect(detail.usage).toEqual({ documents: 50, pages: 50, cells: 150, queue_messages: 200 });
    expect(detail.config.phases.map((p: { type: string }) => p.type)).toEqual(["transfer", "extraction", "resolution", "validation"]);
    expect(detail.finished_at).toBeTruthy();

    const records = await (await t.request(`/v1/pipelines/${body.id}/records`)).json();
    expect(Object.keys(records).sort()).toEqual(["errors", "field_definitions", "field_list", "id", "order", "records", "status"]);
    expect(records.order).toHaveLength(50);
    expect(Object.keys(records.field_definitions)).toEqual(["invoice_number", "total", "issued"]);
    expect(records.field_list.map((f: { name: string }) => f.name)).toEqual(["invoice_number", "total", "issued"]);
    expect(records.field_definitions.issued).toMatchObject({ type: "date", claimed_by: "extraction:label", ui: { format: "date" } });
    for (const id of records.order) {
      const record = records.records[id];
      expect(Object.keys(record.fields).sort()).toEqual(["invoice_number", "issued", "total"]);
      for (const cell of Object.values(record.fields)) expectCellInvariants(cell as Record<string, unknown>);
    }
    const first = records.records[records.order[0]].fields;
    expect(first.invoice_number).toMatchObject({ value: "INV-0", status: "completed", resolved_by: "extraction:label", type: "string" });
    expect(first.total).toMatchObject({ value: 100, status: "completed" });
    expect(first.issued.value).toBe("2024-04-03");
    expect(first.total.meta.provenance).toMatchObject({ extractor: "label", page: 0 });
    const parked = records.records[records.order[7]].fields.total;
    expect(parked).toMatchObject({ status: "needs_review", value: null, resolved_by: null, reason: { code: "gate_failed" } });
    expect(parked.meta.verdicts).toEqual(expect.arrayContaining([expect.objectContaining({ gate: "sane_total", rule: "max", passed: false, mode: "blocking" })]));

    const finished = await t.db.selectFrom("pipeline_events").select("id").where("pipeline_id", "=", body.id).where("type", "=", "pipeline.finished").execute();
    expect(finished).toHaveLength(1);
    const steps = await t.db.selectFrom("steps").select("id").where("pipeline_id", "=", body.id).execute();
    expect(steps).toHaveLength(200);
  });

  it("lists runs with filters and paging, and shows steps and the tree", async () => {
    const { body } = await createPipeline(t, { name: "listed", documents: invoiceDocuments(2) });
    await settle(t);
    const all = await (await t.request("/v1/pipelines?limit=1&offset=0")).json();
    expect(all.items).toHaveLength(1);
    expect(all.total).toBeGreaterThanOrEqual(2);
    expect(all).toMatchObject({ limit: 1, offset: 0, next_cursor: "o1" });
    const second = await (await t.request(`/v1/pipelines?limit=1&cursor=${all.next_cursor}`)).json();
    expect(second).toMatchObject({ offset: 1 });
    expect(second.items[0].id).not.toBe(all.items[0].id);
    const completed = await (await t.request("/v1/pipelines?status=completed&root_only=true&limit=200")).json();
    expect(completed.items.map((p: { id: string }) => p.id)).toContain(body.id);
    expect(completed.items.every((p: { status: string }) => p.status === "completed")).toBe(true);

    const steps = await (await t.request(`/v1/pipelines/${body.id}/steps?limit=3`)).json();
    expect(steps.items).toHaveLength(3);
    expect(steps.items[0]).toMatchObject({ phase_type: "transfer", status: "completed", attempt: 0 });
    expect(steps).toMatchObject({ limit: 3, next_cursor: steps.items[2].id });
    const rest = await (await t.request(`/v1/pipelines/${body.id}/steps?cursor=${steps.next_cursor}`)).json();
    expect(rest.items).toHaveLength(5);
    expect(rest.items[0].id).not.toBe(steps.items[2].id);
    // `after`, the cursor's former name, still pages the same way.
    expect(await (await t.request(`/v1/pipelines/${body.id}/steps?after=${steps.next_cursor}`)).json()).toEqual(rest);
    const last = await (await t.request(`/v1/pipelines/${body.id}/steps?limit=5&cursor=${steps.next_cursor}`)).json();
    expect(last.next_cursor).toBe(last.items[4].id);
    const end = await (await t.request(`/v1/pipelines/${body.id}/steps?limit=5&cursor=${last.next_cursor}`)).json();
    expect(end).toMatchObject({ items: [], next_cursor: null });

    const tree = await (await t.request(`/v1/pipelines/${body.id}/tree`)).json();
    expect(tree.root_id).toBe(body.id);
    expect(tree.items.map((p: { id: string }) => p.id)).toEqual([body.id]);
  });

  it("processes only the sample of a preview run and marks it", async () => {
    const { body } = await createPipeline(t, { documents: invoiceDocuments(8), preview: { sample: 3 } });
    expect(body.preview).toBe(true);
    expect(body.counts.total).toBe(3);
    await settle(t);
    const defaulted = await createPipeline(t, { documents: invoiceDocuments(8), preview: true });
    expect(defaulted.body.counts.total).toBe(5);
    await settle(t);
  });

  it("runs a small pipeline inline with /sync and returns the records", async () => {
    const res = await t.request("/v1/pipelines/sync", { method: "POST", json: { ...invoiceDefinition, documents: invoiceDocuments(3) } });
    expect(res.status).toBe(200);
    const records = await res.json();
    expect(records.status).toBe("completed");
    expect(records.order).toHaveLength(3);
    expect(records.records[records.order[2]].fields.invoice_number.value).toBe("INV-2");
  });

  it("streams state changes as Server-Sent Events and resumes after Last-Event-ID", async () => {
    const { body } = await createPipeline(t, { documents: invoiceDocuments(2) });
    await settle(t);
    const text = await (await t.request(`/v1/pipelines/${body.id}/events`)).text();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toHaveLength(9); // 2 documents x 4 phases + finished
    expect(text).toContain("event: pipeline.finished");
    expect(text).toContain("event: document.phase");
    const resumed = await (await t.request(`/v1/pipelines/${body.id}/events`, { headers: { "Last-Event-ID": String(ids[6]) } })).text();
    expect([...resumed.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual(ids.slice(7));
  });

  it("reads JSON and CSV documents sent as base64", async () => {
    const json = btoa(JSON.stringify({ invoice: { number: "J-1", total: "12.50" } }));
    const csv = btoa("number,total\nC-9,99.90\n");
    const res = await t.request("/v1/pipelines/sync", {
      method: "POST",
      json: {
        fields: [
          { name: "number", type: "string", extract: [{ type: "json_pointer", pointer: "/invoice/number" }, { type: "table", column: "number" }] },
          { name: "total", type: "number", extract: [{ type: "json_pointer", pointer: "/invoice/total" }, { type: "table", column: "total" }] },
        ],
        phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
        documents: [{ content_base64: json, filename: "a.json" }, { content_base64: csv, filename: "b.csv" }],
      },
    });
    const records = await res.json();
    const [a, b] = records.order.map((id: string) => records.records[id].fields);
    expect([a.number.value, a.total.value]).toEqual(["J-1", 12.5]);
    expect([b.number.value, b.total.value]).toEqual(["C-9", 99.9]);
    expect(b.number.resolved_by).toBe("extraction:table");
  });
});
