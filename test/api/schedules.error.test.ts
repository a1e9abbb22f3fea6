import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signDelivery } from "../../src/adapters/queue/signature";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";

// Years after schedules.test.ts' clock: on a shared database its ticks must never find these schedules due.
const now = new Date("2031-03-03T09:00:00Z");
let t: TestApp;
let pipelineId: string;
let withoutValidation: string;
beforeAll(async () => {
  t = await startTestApp({ clock: { now: () => now }, env: { QSTASH_CURRENT_SIGNING_KEY: "sig_err_current", QSTASH_NEXT_SIGNING_KEY: "sig_err_next" } });
  pipelineId = (await createPipeline(t, { documents: invoiceDocuments(1) })).body.id;
  withoutValidation = (await createPipeline(t, { documents: invoiceDocuments(1), phases: invoiceDefinition.phases.slice(0, 3) })).body.id;
  await settle(t);
});
afterAll(() => t.close());

const schedule = (json: unknown, key?: string | null) => t.request("/v1/schedules", { method: "POST", json, key });
const valid = () => ({ pipeline_id: pipelineId, cron: "0 6 * * *", from_phase: "validation" });
const schedulesOf = async (organizationId: string) =>
  (await t.db.selectFrom("schedules").select("id").where("organization_id", "=", organizationId).execute()).length;

describe("schedule input errors", () => {
  it.each([
    [{ cron: "61 * * * *" }, "cron", "minute: '61' is not between 0 and 59"],
    [{ cron: "* * *" }, "cron", "needs 5 fields"],
    [{ cron: "0 0 * * fri-mon" }, "cron", "day of week: range fri-mon runs backwards"],
    [{ cron: "0 0 30 2 *" }, "cron", "matches no date in the next five years"],
    [{ cron: 5 }, "cron", ""],
    [{ timezone: "Mars/Base" }, "timezone", "IANA timezone"],
    [{ timezone: "" }, "timezone", "IANA timezone"],
    [{ from_phase: "magic" }, "from_phase", ""],
    [{ pipeline_id: "nope" }, "pipeline_id", "UUID"],
    [{ surprise: true }, "surprise", ""],
  ])("400s %j at its path", async (change, path, message) => {
    const res = await schedule({ ...valid(), ...change });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(message) })]));
  });

  it("lists every invalid field at once, and writes nothing for any bad request", async () => {
    const res = await schedule({ pipeline_id: pipelineId, cron: "x", from_phase: "nope", timezone: "Nowhere/Land" });
    expect((await res.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(["cron", "from_phase", "timezone"]);
    const missing = await schedule({});
    expect((await missing.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(["cron", "from_phase", "pipeline_id"]);
    expect(await schedulesOf(t.organizationId)).toBe(0);
  });

  it("400s a phase type the run lacks at from_phase, and 404s an unknown run", async () => {
    const res = await schedule({ ...valid(), pipeline_id: withoutValidation });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details).toEqual([{ path: "from_phase", message: "no phase of type 'validation'" }]);
    const unknown = await schedule({ ...valid(), pipeline_id: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("not_found");
    expect((await t.request("/v1/schedules/not-a-uuid")).status).toBe(400);
    expect((await t.request(`/v1/schedules/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await t.request("/v1/schedules?limit=0")).status).toBe(400);
    expect(await schedulesOf(t.organizationId)).toBe(0);
  });
});

describe("schedule security", () => {
  it("keeps schedules to their organization and needs write to change them", async () => {
    const other = await t.otherTenant();
    expect((await schedule(valid(), other.api_key)).status).toBe(404); // another tenant's run is not found
    const reader = await t.createKey(["read"]);
    expect((await schedule(valid(), reader)).status).toBe(403);
    expect((await schedule(valid(), null)).status).toBe(401);

    const mine = await (await schedule(valid())).json();
    expect((await t.request(`/v1/schedules/${mine.id}`, { key: other.api_key })).status).toBe(404);
    expect((await t.request(`/v1/schedules/${mine.id}`, { method: "DELETE", key: other.api_key })).status).toBe(404);
    expect((await t.request(`/v1/schedules/${mine.id}`, { method: "DELETE", key: reader })).status).toBe(403);
    expect((await t.request(`/v1/schedules/${mine.id}`, { key: reader })).status).toBe(200);
    expect((await (await t.request("/v1/schedules", { key: other.api_key })).json()).total).toBe(0);
    expect((await (await t.request("/v1/schedules", { key: reader })).json()).items.map((s: { id: string }) => s.id)).toEqual([mine.id]);
  });

  it("refuses an unsigned or wrongly signed tick", async () => {
    const url = "http://sluice.test/internal/schedules/tick";
    expect((await t.app.request(url, { method: "POST" })).status).toBe(401);
    const forged = await signDelivery({ signingKey: "not-our-key", rawBody: "", url });
    expect((await t.app.request(url, { method: "POST", headers: { "Upstash-Signature": forged } })).status).toBe(401);
    const otherBody = await signDelivery({ signingKey: "sig_err_current", rawBody: "{}", url });
    expect((await t.app.request(url, { method: "POST", headers: { "Upstash-Signature": otherBody } })).status).toBe(401);
  });
});
