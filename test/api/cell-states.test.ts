import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queue } from "../../src/adapters/queue/interface";
import { createApp } from "../../src/app";
import { advanceDocument } from "../../src/pipeline/engine";
import type { PhaseMessage } from "../../src/pipeline/messages";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { QUEUE_MAX_RETRIES: "0" } });
});
afterAll(() => t.close());

/** A run whose messages are kept, so the test decides which phases run. */
async function heldRun(count: number) {
  const held: PhaseMessage[] = [];
  const queue: Queue = { publish: async (m) => (isPhase(m.body) && held.push(m.body), { messageId: String(held.length + 1) }) };
  const services = { ...t.services, queue };
  const res = await createApp(services).request("/v1/pipelines", {
    method: "POST", headers: { "X-API-Key": t.adminKey, "content-type": "application/json" },
    body: JSON.stringify({ ...invoiceDefinition, documents: invoiceDocuments(count) }),
  });
  return { run: await res.json(), held, services };
}

const recordsOf = async (id: string) => {
  const body = await (await t.request(`/v1/pipelines/${id}/records`)).json();
  return body.order.map((recordId: string) => body.records[recordId]) as Array<{ status: string; fields: Record<string, Record<string, unknown>> }>;
};

/** Only phase messages are held to be delivered by hand; a finished run's events message is not one. */
const isPhase = (body: unknown): body is PhaseMessage => (body as { type?: string }).type === "phase";

describe("every cell tells the truth about its document", () => {
  it("shows queued and processing cells while documents are in flight, without values", async () => {
    const { run, held, services } = await heldRun(2);
    await advanceDocument(services, held[0], 0); // transfer for the first document only
    const [moving, waiting] = await recordsOf(run.id);
    expect(moving.status).toBe("processing");
    expect(moving.fields.total).toMatchObject({ status: "processing", value: null, reason: null, resolved_by: null });
    expect(waiting.fields.total).toMatchObject({ status: "queued", value: null, reason: null });
  });

  it("fails every unfinished cell of a document that ended in error, with the document's reason", async () => {
    const { run, held, services } = await heldRun(2);
    await t.db.updateTable("documents").set({ source: JSON.stringify({ kind: "mystery" }), cache_key: null }).where("id", "=", held[1].document_id).execute();
    for (const message of held.splice(0)) await advanceDocument(services, message, 0);
    const [fine, broken] = await recordsOf(run.id);
    expect(broken.status).toBe("error");
    for (const name of ["invoice_number", "total", "issued"]) {
      expect(broken.fields[name]).toMatchObject({
        value: null, status: "failed", resolved_by: null,
        reason: { code: "document_error", summary: expect.stringContaining("phase_failed"), message: expect.stringContaining("mystery") },
      });
    }
    expect(fine.status).toBe("processing");
  });

  it("ends the cells of cancelled documents in no_result with reason cancelled, keeping what earlier phases settled", async () => {
    const { run, held, services } = await heldRun(2);
    // The first document gets through transfer and extraction (values found, never validated); the second never starts.
    await advanceDocument(services, held.shift()!, 0);
    await advanceDocument(services, held.pop()!, 0);
    expect((await t.request(`/v1/pipelines/${run.id}/cancel`, { method: "POST" })).status).toBe(200);
    const records = await recordsOf(run.id);
    for (const record of records) {
      expect(record.status).toBe("cancelled");
      for (const cell of Object.values(record.fields)) {
        expect(cell).toMatchObject({ value: null, status: "no_result", resolved_by: null, reason: { code: "cancelled", summary: expect.any(String), message: expect.any(String) } });
      }
    }
  });

  it("lets a rerun finish what a cancel stopped, from each document's first unfinished phase", async () => {
    const { run, held, services } = await heldRun(2);
    const [started, unstarted] = held.map((m) => m.document_id);
    await advanceDocument(services, held.shift()!, 0);
    await t.request(`/v1/pipelines/${run.id}/cancel`, { method: "POST" });
    const res = await t.request(`/v1/pipelines/${run.id}/rerun`, { method: "POST", json: { from_phase: "validation" } });
    expect(await res.json()).toEqual({ enqueued: 2, fromPhaseIndex: 3 });
    await settle(t);
    const records = await recordsOf(run.id);
    expect(records.map((r) => r.status)).toEqual(["complete", "complete"]);
    const steps = await t.db.selectFrom("steps").select(["document_id", "phase_index"]).where("pipeline_id", "=", run.id)
      .where("generation", "=", 2).orderBy("id").execute();
    const phasesOf = (id: string) => steps.filter((s) => s.document_id === id).map((s) => s.phase_index);
    expect(phasesOf(started)).toEqual([1, 2, 3]);
    expect(phasesOf(unstarted)).toEqual([0, 1, 2, 3]);
  });
});
