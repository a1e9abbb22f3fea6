import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signDelivery } from "../../src/adapters/queue/signature";
import { claimTick } from "../../src/db/queries/schedules";
import { runDueSchedules, type TickSummary } from "../../src/schedules/tick";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDocuments, settle } from "../support/pipelines";

// Every test moves the clock forward: schedules stay live across tests, as they would in production.
// schedules.error.test.ts keeps its schedules years later, so ticks here never fire them on a shared database.
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
async function createSchedule(json: Record<string, unknown>) {
  const res = await t.request("/v1/schedules", { method: "POST", json });
  expect(res.status, JSON.stringify(json)).toBe(201);
  return res.json();
}
const getSchedule = async (id: string) => (await t.request(`/v1/schedules/${id}`)).json();
const generation = async (id: string) => (await (await t.request(`/v1/pipelines/${id}`)).json()).generation;
const total = (s: TickSummary) => s.fired + s.skipped + s.failed;

describe("scheduled reruns", () => {
  it("fires a due schedule once through the rerun path, records the tick and moves next_run_at on", async () => {
    const pipelineId = await finishedRun();
    const created = await createSchedule({ pipeline_id: pipelineId, cron: "*/5 * * * *", from_phase: "validation" });
    expect(created).toMatchObject({ pipeline_id: pipelineId, cron: "*/5 * * * *", from_phase: "validation", timezone: "UTC", next_run_at: "2026-11-23T10:05:00.000Z" });

    expect(await runDueSchedules(t.services)).toEqual({ fired: 0, skipped: 0, failed: 0 }); // not due yet
    now = new Date("2026-11-23T10:05:30Z");
    // Four scheduler invocations overlapping (on real Postgres: four connections): one fires, the rest see nothing due.
    const summaries = await Promise.all([1, 2, 3, 4].map(() => runDueSchedules(t.services)));
    expect(summaries.reduce((n, s) => n + total(s), 0)).toBe(1);
    expect(summaries.reduce((n, s) => n + s.fired, 0)).toBe(1);
    await settle(t);
    expect(await generation(pipelineId)).toBe(2);

    const detail = await getSchedule(created.id);
    expect(detail.next_run_at).toBe("2026-11-23T10:10:00.000Z");
    expect(detail.ticks).toEqual([expect.objectContaining({ due_at: "2026-11-23T10:05:00.000Z", outcome: "fired", detail: "2 documents enqueued" })]);
  });

  it("lets exactly one of many racing claims have a due time, and shows a claimed tick even before its outcome", async () => {
    now = new Date("2026-11-23T10:20:00Z");
    const { id } = await createSchedule({ pipeline_id: await finishedRun(), cron: "*/5 * * * *", from_phase: "resolution" });
    const dueAt = new Date("2026-11-23T10:25:00Z");
    const nextRunAt = new Date("2026-11-23T10:30:00Z");
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimTick(t.db, id, dueAt, nextRunAt)));
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
    const detail = await getSchedule(id);
    expect(detail.next_run_at).toBe(nextRunAt.toISOString());
    // A scheduler that dies here leaves this row: the tick is never silently lost, nor fired again.
    expect(detail.ticks).toEqual([expect.objectContaining({ due_at: dueAt.toISOString(), outcome: "failed", detail: "interrupted before the outcome was recorded" })]);
    expect(await claimTick(t.db, id, dueAt, nextRunAt)).toBeUndefined();
    expect((await t.request(`/v1/schedules/${id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("skips a tick while documents are still processing, and a deleted schedule never fires", async () => {
    now = new Date("2026-11-23T10:40:00Z");
    const pipelineId = await finishedRun();
    const { id, next_run_at } = await createSchedule({ pipeline_id: pipelineId, cron: "0 * * * *", from_phase: "extraction", timezone: "Europe/Berlin" });
    expect(next_run_at).toBe("2026-11-23T11:00:00.000Z");
    const [doc] = await t.db.selectFrom("documents").select("id").where("pipeline_id", "=", pipelineId).execute();
    await t.db.updateTable("documents").set({ status: "processing" }).where("id", "=", doc.id).execute();
    now = new Date("2026-11-23T11:00:10Z");
    await runDueSchedules(t.services);
    const { ticks } = await getSchedule(id);
    expect(ticks).toEqual([expect.objectContaining({ due_at: "2026-11-23T11:00:00.000Z", outcome: "skipped", detail: "documents still processing" })]);
    expect(await generation(pipelineId)).toBe(1);

    expect((await t.request(`/v1/schedules/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await t.request(`/v1/schedules/${id}`)).status).toBe(404);
    expect((await t.request(`/v1/schedules/${id}`, { method: "DELETE" })).status).toBe(404);
    await t.db.updateTable("documents").set({ status: "complete" }).where("id", "=", doc.id).execute();
    now = new Date("2026-11-23T12:00:10Z");
    await runDueSchedules(t.services);
    await settle(t);
    expect(await generation(pipelineId)).toBe(1);
  });

  it("records a rerun that cannot start as failed, with the reason", async () => {
    now = new Date("2026-11-23T12:10:00Z");
    const pipelineId = await finishedRun();
    const { id } = await createSchedule({ pipeline_id: pipelineId, cron: "30 12 * * *", from_phase: "extraction" });
    // A snapshot that lost the scheduled phase (written straight to the table: the API never allows it).
    await sql`update pipelines set config = jsonb_set(config, '{phases,1,type}', '"resolution"') where id = ${pipelineId}`.execute(t.db);
    now = new Date("2026-11-23T12:30:05Z");
    await runDueSchedules(t.services);
    const detail = await getSchedule(id);
    expect(detail.ticks).toEqual([expect.objectContaining({ outcome: "failed", detail: "this run has no extraction phase" })]);
    expect(detail.next_run_at).toBe("2026-11-24T12:30:00.000Z");
  });

  it("fires a schedule whose due times were missed while no scheduler ran once, then resumes from now", async () => {
    now = new Date("2026-11-23T12:40:00Z");
    const { id } = await createSchedule({ pipeline_id: await finishedRun(), cron: "*/5 * * * *", from_phase: "validation" });
    now = new Date("2026-11-23T15:02:00Z");
    await runDueSchedules(t.services);
    await settle(t);
    const detail = await getSchedule(id);
    expect(detail.ticks).toEqual([expect.objectContaining({ due_at: "2026-11-23T12:45:00.000Z", outcome: "fired" })]);
    expect(detail.next_run_at).toBe("2026-11-23T15:05:00.000Z");
  });

  it("computes next_run_at in the schedule's timezone and lists the organization's live schedules", async () => {
    now = new Date("2026-11-23T15:10:00Z");
    const pipelineId = await finishedRun();
    const berlin = await createSchedule({ pipeline_id: pipelineId, cron: "0 9 * * mon-fri", from_phase: "validation", timezone: "Europe/Berlin" });
    expect(berlin.next_run_at).toBe("2026-11-24T08:00:00.000Z");
    const tokyo = await createSchedule({ pipeline_id: pipelineId, cron: "0 9 1 * *", from_phase: "transfer", timezone: "Asia/Tokyo" });
    expect(tokyo.next_run_at).toBe("2026-12-01T00:00:00.000Z");

    const all = await (await t.request("/v1/schedules?limit=200")).json();
    expect(all.items.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([berlin.id, tokyo.id]));
    expect(all.total).toBe(all.items.length);
    const page = await (await t.request("/v1/schedules?limit=1&offset=1")).json();
    expect(page).toMatchObject({ total: all.total, limit: 1, offset: 1, items: [all.items[1]] });
  });

  it("runs the tick from a signed QStash-schedule call", async () => {
    now = new Date("2026-11-23T15:20:00Z");
    const { id } = await createSchedule({ pipeline_id: await finishedRun(), cron: "25 15 * * *", from_phase: "validation" });
    now = new Date("2026-11-23T15:25:01Z");
    const url = "http://sluice.test/internal/schedules/tick";
    const signature = await signDelivery({ signingKey: "sig_sched_next", rawBody: "", url });
    const res = await t.app.request(url, { method: "POST", headers: { "Upstash-Signature": signature } });
    expect(res.status).toBe(200);
    expect((await res.json()).fired).toBeGreaterThanOrEqual(1);
    await settle(t);
    expect((await getSchedule(id)).ticks).toEqual([expect.objectContaining({ due_at: "2026-11-23T15:25:00.000Z", outcome: "fired" })]);
  });
});
