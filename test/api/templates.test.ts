import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDefinition, invoiceDocuments, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const post = (path: string, json: unknown, key?: string) => t.request(path, { method: "POST", json, key });
const totalOnly = { fields: [invoiceDefinition.fields[1]], phases: invoiceDefinition.phases.slice(0, 3) };

async function createTemplate() {
  const res = await post("/v1/templates", { name: "Invoices", description: "supplier invoices", ...invoiceDefinition });
  expect(res.status).toBe(201);
  return res.json();
}

describe("templates", () => {
  it("edits a draft, publishes immutable versions and runs the version asked for", async () => {
    const template = await createTemplate();
    expect(template).toMatchObject({ name: "Invoices", latest_version: 0, fields: invoiceDefinition.fields });

    const draftRun = await post(`/v1/templates/${template.id}/run`, { documents: invoiceDocuments(1) });
    expect(draftRun.status).toBe(202);
    expect(await draftRun.json()).toMatchObject({ template_id: template.id, template_version: 0 });

    expect((await post(`/v1/templates/${template.id}/publish`, {})).status).toBe(201);
    const patched = await t.request(`/v1/templates/${template.id}`, { method: "PATCH", json: { ...totalOnly, name: "Invoice totals" } });
    expect(patched.status).toBe(200);
    expect((await patched.json()).fields.map((f: { name: string }) => f.name)).toEqual(["total"]);
    const second = await (await post(`/v1/templates/${template.id}/publish`, {})).json();
    expect(second.version).toBe(2);

    const v1 = await (await t.request(`/v1/templates/${template.id}/versions/1`)).json();
    expect(v1.fields.map((f: { name: string }) => f.name)).toEqual(["invoice_number", "total", "issued"]);
    const v2 = await (await t.request(`/v1/templates/${template.id}/versions/2`)).json();
    expect(v2).toMatchObject({ version: 2, name: "Invoice totals" });

    const latest = await (await post(`/v1/templates/${template.id}/run`, { documents: invoiceDocuments(1) })).json();
    expect(latest).toMatchObject({ template_id: template.id, template_version: 2 });
    const pinned = await (await post("/v1/pipelines", { template_id: template.id, version: 1, documents: invoiceDocuments(2) })).json();
    expect(pinned.template_version).toBe(1);
    await settle(t);
    const records = await (await t.request(`/v1/pipelines/${pinned.id}/records`)).json();
    expect(Object.keys(records.field_definitions)).toEqual(["invoice_number", "total", "issued"]);
    const latestRecords = await (await t.request(`/v1/pipelines/${latest.id}/records`)).json();
    expect(Object.keys(latestRecords.field_definitions)).toEqual(["total"]);

    // Once published, the draft keeps moving on its own: version 0 runs it, omitting still runs v2.
    const draftOnly = { fields: [invoiceDefinition.fields[0]], phases: invoiceDefinition.phases.slice(0, 3) };
    expect((await t.request(`/v1/templates/${template.id}`, { method: "PATCH", json: draftOnly })).status).toBe(200);
    const fieldsOf = async (run: { id: string }) => (await (await t.request(`/v1/pipelines/${run.id}`)).json()).config.fields.map((f: { name: string }) => f.name);
    const draft = await (await post(`/v1/templates/${template.id}/run`, { version: 0, documents: invoiceDocuments(1) })).json();
    expect(draft).toMatchObject({ template_id: template.id, template_version: 0 });
    expect(await fieldsOf(draft)).toEqual(["invoice_number"]);
    const stillV2 = await (await post(`/v1/templates/${template.id}/run`, { documents: invoiceDocuments(1) })).json();
    expect(stillV2.template_version).toBe(2);
    expect(await fieldsOf(stillV2)).toEqual(["total"]);

    const form = new FormData();
    form.set("version", "1");
    form.set("file.0", new Blob(["Invoice No: F-1\nTotal: 7.00\n"], { type: "text/plain" }), "f.txt");
    const uploaded = await t.request(`/v1/templates/${template.id}/run`, { method: "POST", body: form });
    expect(uploaded.status).toBe(202);
    expect(await uploaded.json()).toMatchObject({ template_version: 1, counts: { total: 1 } });

    const listed = await (await t.request("/v1/templates?published=true")).json();
    expect(listed.items.find((i: { id: string }) => i.id === template.id)).toMatchObject({ latest_version: 2, fields: [{ name: "total", type: "number", required: true }] });
    const detail = await (await t.request(`/v1/templates/${template.id}`)).json();
    expect(detail.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it("runs a published version from the snapshot compiled at publish", async () => {
    const template = await createTemplate();
    await post(`/v1/templates/${template.id}/publish`, {});
    // Stands in for a later compiler that would compile the same definition differently.
    await sql`update template_versions set compiled = jsonb_set(compiled, '{fields,0,description}', '"frozen at publish"')
              where template_id = ${template.id}`.execute(t.db);
    const run = await (await post(`/v1/templates/${template.id}/run`, { version: 1, documents: invoiceDocuments(1) })).json();
    const detail = await (await t.request(`/v1/pipelines/${run.id}`)).json();
    expect(detail.config.fields[0].description).toBe("frozen at publish");
    await settle(t);
  });

  it("runs once per Idempotency-Key, replaying the first run with Idempotency-Replayed: true", async () => {
    const template = await createTemplate();
    const runs = async () => (await t.db.selectFrom("pipelines").select("id").where("template_id", "=", template.id).execute()).length;
    const send = (json: unknown, path = `/v1/templates/${template.id}/run`) =>
      t.request(path, { method: "POST", json, headers: { "Idempotency-Key": "template-run-1" } });
    const body = { documents: invoiceDocuments(1) };
    const first = await send(body);
    const second = await send(body);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect([first.headers.get("Idempotency-Replayed"), second.headers.get("Idempotency-Replayed")]).toEqual([null, "true"]);
    expect(await second.json()).toEqual(await first.json());
    expect(await runs()).toBe(1);
    expect((await send({ documents: invoiceDocuments(2) })).status).toBe(422);
    // The same key and run body on POST /v1/pipelines is another operation: it cannot replay the template run.
    expect((await send({ template_id: template.id, ...body }, "/v1/pipelines")).status).toBe(422);
    await settle(t);
  });

  it("400s invalid definitions with their paths, unknown versions, and mixed or missing definitions", async () => {
    const template = await createTemplate();
    const bad = await post("/v1/templates", { name: "x", ...invoiceDefinition, fields: [{ ...invoiceDefinition.fields[0], extract: [{ type: "telepathy" }] }] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.map((d: { path: string }) => d.path)).toContain("fields.0.extract.0.type");
    const patch = await t.request(`/v1/templates/${template.id}`, { method: "PATCH", json: { phases: invoiceDefinition.phases.slice(1) } });
    expect(patch.status).toBe(400);
    expect((await patch.json()).error.details.map((d: { path: string }) => d.path)).toContain("phases.0.type");
    expect((await t.request(`/v1/templates/${template.id}`, { method: "PATCH", json: {} })).status).toBe(400);

    const cases: Array<[string, unknown, string]> = [
      [`/v1/templates/${template.id}/run`, { documents: invoiceDocuments(1), version: 3 }, "version"],
      [`/v1/templates/${template.id}/run`, {}, "file_url"],
      ["/v1/pipelines", { template_id: template.id, ...invoiceDefinition, documents: invoiceDocuments(1) }, "fields"],
      ["/v1/pipelines", { documents: invoiceDocuments(1) }, "phases"],
      ["/v1/pipelines", { ...invoiceDefinition, version: 1, documents: invoiceDocuments(1) }, "version"],
    ];
    for (const [path, body, detail] of cases) {
      const res = await post(path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.details.map((d: { path: string }) => d.path)).toContain(detail);
    }
    expect((await t.request(`/v1/templates/${template.id}/versions/9`)).status).toBe(404);
  });

  it("keeps templates to their organization and writes to write keys", async () => {
    const template = await createTemplate();
    const other = await t.otherTenant();
    for (const [method, path] of [["GET", ""], ["PATCH", ""], ["POST", "/publish"], ["POST", "/run"], ["GET", "/versions/1"]] as const) {
      const res = await t.request(`/v1/templates/${template.id}${path}`, { method, key: other.api_key, json: method === "GET" ? undefined : path === "/run" ? { documents: invoiceDocuments(1) } : { name: "x" } });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await post("/v1/pipelines", { template_id: template.id, documents: invoiceDocuments(1) }, other.api_key)).status).toBe(404);
    expect((await (await t.request("/v1/templates", { key: other.api_key })).json()).total).toBe(0);
    expect((await post("/v1/templates", { name: "x", ...invoiceDefinition }, await t.createKey(["read"]))).status).toBe(403);
    await settle(t);
  });
});
