import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const pipelineCount = async () =>
  (await t.db.selectFrom("pipelines").select("id").where("organization_id", "=", t.organizationId).execute()).length;

const clone = () => structuredClone(invoiceDefinition) as typeof invoiceDefinition & Record<string, any>;

describe("a definition that cannot run is refused with the exact path, and nothing is stored", () => {
  const cases: Array<[string, () => Record<string, unknown>, string]> = [
    ["unknown extractor", () => { const d = clone(); (d.fields[0].extract[0] as any).type = "telepathy"; return d; }, "fields.0.extract.0.type"],
    ["invalid regex", () => { const d = clone(); d.fields[1].extract = [{ type: "regex", pattern: "(unclosed" } as any]; return d; }, "fields.1.extract.0.pattern"],
    ["gate on an unknown field", () => { const d = clone(); (d.phases[3] as any).gates[0].rules[0].field = "nope"; return d; }, "phases.3.gates.0.rules.0.field"],
    ["unknown rule", () => { const d = clone(); (d.phases[3] as any).gates[0].rules[1].rule = "vibes"; return d; }, "phases.3.gates.0.rules.1.rule"],
    ["duplicate field names", () => { const d = clone(); d.fields[2].name = "total"; return d; }, "fields.2.name"],
    ["a sheet's header_row below Excel's last row", () => { const d = clone(); d.fields[1].extract = [{ type: "table", column: "Total", header_row: 1_048_577 } as any]; return d; }, "fields.1.extract.0.header_row"],
    ["a header_row of 0 (rows count from 1)", () => { const d = clone(); d.fields[1].extract = [{ type: "table", column: "Total", header_row: 0 } as any]; return d; }, "fields.1.extract.0.header_row"],
    ["phases not starting with transfer", () => { const d = clone(); d.phases = d.phases.slice(1); return d; }, "phases.0.type"],
  ];

  it.each(cases)("%s", async (_name, make, path) => {
    const before = await pipelineCount();
    const res = await t.request("/v1/pipelines", { method: "POST", json: { ...make(), documents: invoiceDocuments(1) } });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    expect(error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await pipelineCount()).toBe(before);
  });

  it("refuses documents with both or neither content, none at all, or unknown keys", async () => {
    const bad = [
      [{ documents: [{ text: "a", content_base64: "YQ==" }] }, "documents.0"],
      [{ documents: [{ filename: "x.txt" }] }, "documents.0"],
      [{ documents: [] }, "documents"],
      [{ documents: [{ text: "a", colour: "red" }] }, "documents.0.colour"],
      [{ documents: [{ content_base64: "***" }] }, "documents.0.content_base64"],
      [{ documents: invoiceDocuments(1), preview: { sample: 0 } }, "preview"],
    ] as const;
    for (const [body, path] of bad) {
      const res = await t.request("/v1/pipelines", { method: "POST", json: { ...invoiceDefinition, ...body } });
      expect(res.status).toBe(400);
      const paths = (await res.json()).error.details.map((d: { path: string }) => d.path);
      expect(paths.some((p: string) => p.startsWith(path))).toBe(true);
    }
  });

  it("400s a sync request over its document limit and bad list queries", async () => {
    const sync = await t.request("/v1/pipelines/sync", { method: "POST", json: { ...invoiceDefinition, documents: invoiceDocuments(11) } });
    expect(sync.status).toBe(400);
    for (const q of ["limit=0", "limit=201", "offset=-1", "status=done", "root_only=maybe"]) {
      expect((await t.request(`/v1/pipelines?${q}`)).status).toBe(400);
    }
  });
});

describe("Idempotency-Key on create", () => {
  it("replays the first response for the same key and body, creating one run", async () => {
    const before = await pipelineCount();
    const first = await createPipeline(t, { documents: invoiceDocuments(1) }, { "Idempotency-Key": "order-42" });
    const second = await createPipeline(t, { documents: invoiceDocuments(1) }, { "Idempotency-Key": "order-42" });
    expect(first.res.status).toBe(202);
    expect(second.res.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(first.res.headers.get("Idempotency-Replayed")).toBeNull();
    expect(second.res.headers.get("Idempotency-Replayed")).toBe("true");
    expect(await pipelineCount()).toBe(before + 1);
    await settle(t);
  });

  it("422s the same key with a different body", async () => {
    await createPipeline(t, { documents: invoiceDocuments(1) }, { "Idempotency-Key": "order-43" });
    const other = await createPipeline(t, { documents: invoiceDocuments(2) }, { "Idempotency-Key": "order-43" });
    expect(other.res.status).toBe(422);
    expect(other.res.headers.get("Idempotency-Replayed")).toBeNull();
    await settle(t);
  });

  it("409s the same key while the first request is still in flight", async () => {
    const { sha256Hex } = await import("../../src/crypto");
    const body = { ...invoiceDefinition, documents: invoiceDocuments(1) };
    await t.db.insertInto("idempotency_keys").values({
      organization_id: t.organizationId, key: "order-44", request_hash: await sha256Hex(JSON.stringify(body)), expires_at: new Date(Date.now() + 60_000),
    }).execute();
    const res = await t.request("/v1/pipelines", { method: "POST", json: body, headers: { "Idempotency-Key": "order-44" } });
    expect(res.status).toBe(409);
  });

  it("scopes keys to the organization", async () => {
    const other = await t.otherTenant();
    const mine = await createPipeline(t, { documents: invoiceDocuments(1) }, { "Idempotency-Key": "shared-key" });
    const res = await t.request("/v1/pipelines", { method: "POST", key: other.api_key, json: { ...invoiceDefinition, documents: invoiceDocuments(1) }, headers: { "Idempotency-Key": "shared-key" } });
    expect(res.status).toBe(202);
    expect((await res.json()).id).not.toBe(mine.body.id);
    await settle(t);
  });
});

describe("tenancy and scopes on runs", () => {
  it("404s every route for another tenant's run and 403s writes with a read key", async () => {
    const { body } = await createPipeline(t, { documents: invoiceDocuments(1) });
    await settle(t);
    const other = await t.otherTenant();
    for (const path of ["", "/records", "/steps", "/tree", "/events"]) {
      const res = await t.request(`/v1/pipelines/${body.id}${path}`, { key: other.api_key });
      expect(res.status).toBe(404);
    }
    expect((await t.request(`/v1/pipelines/${body.id}/cancel`, { method: "POST", key: other.api_key })).status).toBe(404);
    const listed = await (await t.request("/v1/pipelines", { key: other.api_key })).json();
    expect(listed.total).toBe(0);
    const reader = await t.createKey(["read"]);
    expect((await t.request("/v1/pipelines", { method: "POST", key: reader, json: { ...invoiceDefinition, documents: invoiceDocuments(1) } })).status).toBe(403);
    expect((await t.request(`/v1/pipelines/${body.id}`, { key: reader })).status).toBe(200);
  });
});
