import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signDelivery } from "../../src/adapters/queue/signature";
import { runDueSchedules } from "../../src/schedules/tick";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";

let now = new Date("2026-11-23T10:02:00Z");
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: { now: () => now }, env: { QSTASH_CURRENT_SIGNING_KEY: "sig_sched_current", QSTASH_NEXT_SIGNING_KEY: "sig_sched_next" } });
});
afterAll(() => t.close());

async function finishedRun() {
  const { body } = await createPipeline(t, { documents: invoiceDocuments(2) });
  await settle(t);
  return body.id as string;
}
const schedule = (json: unknown, key?: string) => t.request("/v1/schedules", { method: "POST", json, key });
const generation = async (id: string) => (await (await t.request(`/v1/pipelines/${id}`)).json()).generation;

describe("scheduled reruns", () => {
  it("fires a due schedule once through the rerun path, records the tick and moves next_run_at on", async () => {
    const pipelineId = await finishedRun();
    const res = await schedule({ pipeline_id: pipelineId, cron: "*/5 * * * *", from_phase: "validation" });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({ pipeline_id: pipelineId, timezone: "UTC", next_run_at: "2026-11-23T10:05:00.000Z" });

    expect(await runDueSchedules(t.services)).toEqual({ fired: 0, skipped: 0, failed: 0 }); // not due yet
    now = new Date("2026-11-23T10:05:30Z");
    const [a, b] = await Promise.all([runDueSchedules(t.services), runDueSchedules(t.services)]);
    expect(a.fired + b.fired).toBe(1); // two overlapping scheduler invocations, one firing
    await settle(t);
    expect(await generation(pipelineId)).toBe(2);

    const detail = await (await t.request(`/v1/schedules/${created.id}`)).json();
    expect(detail.next_run_at).toBe("2026-11-23T10:10:00.000Z");
    expect(detail.ticks).toEqual([expect.objectContaining({ due_at: "2026-11-23T10:05:00.000Z", outcome: "fired", detail: "2 documents enqueued" })]);
  });

  it("skips a tick while documents are still processing, and a deleted schedule never fires", async () => {
    const pipelineId = await finishedRun();
    const { id } = await (await schedule({ pipeline_id: pipelineId, cron: "0 * * * *", from_phase: "extraction", timezone: "Europe/Berlin" })).json();
    const [doc] = await t.db.selectFrom("documents").select("id").where("pipeline_id", "=", pipelineId).execute();
    await t.db.updateTable("documents").set({ status: "processing" }).where("id", "=", doc.id).execute();
    now = new Date("2026-11-23T11:00:10Z");
    await runDueSchedules(t.services);
    const { ticks } = await (await t.request(`/v1/schedules/${id}`)).json();
    expect(ticks[0]).toMatchObject({ outcome: "skipped", detail: "documents still processing" });
    expect(await generation(pipelineId)).toBe(1);

    expect((await t.request(`/v1/schedules/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await t.request(`/v1/schedules/${id}`)).status).toBe(404);
    expect((await t.request(`/v1/schedules/${id}`, { method: "DELETE" })).status).toBe(404);
    await t.db.updateTable("documents").set({ status: "complete" }).where("id", "=", doc.id).execute();
    now = new Date("2026-11-23T12:00:10Z");
    await runDueSchedules(t.services);
    expect(await generation(pipelineId)).toBe(1);
  });

  it("400s an invalid cron, timezone or phase with its path; 404s another tenant's run; 403s a read key", async () => {
    const pipelineId = await finishedRun();
    const { body: noValidation } = await createPipeline(t, { documents: invoiceDocuments(1), phases: invoiceDefinition.phases.slice(0, 3) });
    await settle(t);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ pipeline_id: pipelineId, cron: "61 * * * *", from_phase: "validation" }, "cron"],
      [{ pipeline_id: pipelineId, cron: "0 0 30 2 *", from_phase: "validation" }, "cron"],
      [{ pipeline_id: pipelineId, cron: "* * * * *", from_phase: "validation", timezone: "Mars/Base" }, "timezone"],
      [{ pipeline_id: pipelineId, cron: "* * * * *", from_phase: "magic" }, "from_phase"],
      [{ pipeline_id: noValidation.id, cron: "* * * * *", from_phase: "validation" }, "from_phase"],
      [{ pipeline_id: "nope", cron: "* * * * *", from_phase: "validation" }, "pipeline_id"],
    ];
    for (const [body, path] of cases) {
      const res = await schedule(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const other = await t.otherTenant();
    expect((await schedule({ pipeline_id: pipelineId, cron: "* * * * *", from_phase: "validation" }, other.api_key)).status).toBe(404);
    expect((await schedule({ pipeline_id: pipelineId, cron: "* * * * *", from_phase: "validation" }, await t.createKey(["read"]))).status).toBe(403);
    const mine = await (await schedule({ pipeline_id: pipelineId, cron: "* * * * *", from_phase: "validation" })).json();
    expect((await t.request(`/v1/schedules/${mine.id}`, { key: other.api_key })).status).toBe(404);
    const listed = await (await t.request("/v1/schedules", { key: other.api_key })).json();
    expect(listed.total).toBe(0);
  });

  it("runs the tick from a signed QStash-schedule call and refuses an unsigned one", async () => {
    const url = "http://sluice.test/internal/schedules/tick";
    expect((await t.app.request(url, { method: "POST", body: "{}" })).status).toBe(401);
    const signature = await signDelivery({ signingKey: "sig_sched_current", rawBody: "{}", url });
    const res = await t.app.request(url, { method: "POST", body: "{}", headers: { "Upstash-Signature": signature } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ fired: expect.any(Number), skipped: expect.any(Number), failed: expect.any(Number) });
  });
});
