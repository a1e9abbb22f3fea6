import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct, openReviews } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** `total` is parked for review above 10,000 by the blocking gate of phase 3 (validation). */
const definition = {
  fields: [
    { name: "invoice_number", type: "string", required: true, extract: [{ type: "label", labels: ["Invoice No"] }] },
    { name: "total", type: "currency", extract: [{ type: "label", labels: ["Total"] }], resolve: { currency: "EUR" } },
  ],
  phases: [
    { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
    { type: "validation", gates: [{ id: "sane_total", mode: "blocking", rules: [{ rule: "max", field: "total", value: 10000 }] }] },
  ],
};
const invoices = [{ id: "small", text: "Invoice No: INV-1\nTotal: 100.00\n" }, { id: "big", text: "Invoice No: INV-2\nTotal: 25,000.00\n" }];

type Step = { step_index: number; step_type: string; result_url: string | null; checkpoint_id: string | null; source_step_type: string | null };

async function finishedRun(key?: string) {
  const res = await t.request("/v1/pipelines", { method: "POST", json: { ...definition, documents: invoices }, key });
  expect(res.status).toBe(202);
  const run = await res.json();
  await settle(t);
  const records = await (await t.request(`/v1/pipelines/${run.id}/records`, { key })).json();
  return { id: run.id as string, small: records.records.small.document_id as string, big: records.records.big.document_id as string };
}

const phaseUrl = (run: string, document: string, index: number | string) => `/v1/pipelines/${run}/documents/${document}/phases/${index}`;
const read = (path: string, key?: string) => t.request(path, { key });

describe("GET /v1/pipelines/{id}/documents/{document_id}/phases/{phase_index}", () => {
  it("is every non-transfer step's result_url (a template run's too); checkpoint_id names the output the previous step's url reads", async () => {
    const template = await (await t.request("/v1/templates", { method: "POST", json: { name: "phases", ...definition } })).json();
    await t.request(`/v1/templates/${template.id}/publish`, { method: "POST", json: {} });
    const res = await t.request(`/v1/templates/${template.id}/run`, { method: "POST", json: { documents: invoices } });
    expect(res.status).toBe(202);
    const created = await res.json();
    // Nothing has run yet: no output to read, no checkpoint to resume from.
    expect(created.steps.map((s: Step) => [s.result_url, s.checkpoint_id])).toEqual(Array(4).fill([null, null]));
    await settle(t);

    const run = await (await read(`/v1/pipelines/${created.id}`)).json();
    const first = (await (await read(`/v1/pipelines/${created.id}/records`)).json()).records.small.document_id;
    const steps = run.steps as Step[];
    expect(steps[0].result_url).toBe(`/v1/pipelines/${created.id}/documents/${first}/content?format=text`);
    expect(steps.slice(1).map((s) => s.result_url)).toEqual([1, 2, 3].map((i) => phaseUrl(created.id, first, i)));

    const outputs = await Promise.all([0, 1, 2, 3].map(async (i) => (await read(phaseUrl(created.id, first, i))).json()));
    expect(outputs[1]).toMatchObject({
      pipeline_id: created.id, document_id: first, phase_index: 1, phase_type: "extraction", generation: 1,
      cells: { invoice_number: { value: "INV-1", status: "completed" } },
    });
    expect(outputs[3].cells.total).toMatchObject({ value: { amount: 100, currency: "EUR" }, status: "completed" });
    for (const step of steps.slice(1)) {
      const source = outputs[step.step_index - 1];
      expect(step.source_step_type).toBe(source.phase_type);
      expect(step.checkpoint_id).toBe(`${created.id}/phases/${source.phase_index}@${source.generation}`);
    }
  });

  it("withholds a parked cell's value in every phase output, and shows it once a decision releases it", async () => {
    const { id, big } = await finishedRun();
    const validation = await (await read(phaseUrl(id, big, 3))).json();
    expect(validation.cells.total).toMatchObject({ value: null, status: "needs_review", reason: { code: "gate_failed" } });
    expect(validation.cells.invoice_number).toMatchObject({ value: "INV-2", status: "completed" });
    // Extraction and resolution stored the value before the gate parked it: the record's hold covers them too.
    const record = (await (await read(`/v1/pipelines/${id}/records`)).json()).records.big.fields.total;
    for (const index of [1, 2, 3]) {
      const total = (await (await read(phaseUrl(id, big, index))).json()).cells.total;
      expect(total).toEqual(record);
      expect(total.value).toBeNull();
    }
    const raw = await t.db.selectFrom("document_phases").select("cells").where("document_id", "=", big).where("phase_index", "=", 2)
      .executeTakeFirstOrThrow();
    expect((raw.cells as { total: { value: unknown } }).total.value).toEqual({ amount: 25000, currency: "EUR" }); // what was withheld
    const { body } = await createProduct(t, id);
    const [item] = await openReviews(t, body.dataProduct.id);
    const decided = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve" } });
    expect(decided.status).toBe(201);
    const released = await (await read(phaseUrl(id, big, 3))).json();
    expect(released.cells.total).toMatchObject({ value: { amount: 25000, currency: "EUR" } });
  });

  it("answers 404 for another tenant and for a phase with no stored output, 400 naming a bad id or index", async () => {
    const { id, small } = await finishedRun();
    const url = phaseUrl(id, small, 1);
    expect((await read(url)).status).toBe(200);
    expect((await read(url, await t.createKey(["read"]))).status).toBe(200);
    const other = await t.otherTenant();
    expect((await read(url, other.api_key)).status).toBe(404);
    const theirs = await finishedRun(other.api_key);
    expect((await read(phaseUrl(theirs.id, theirs.small, 1))).status).toBe(404);
    expect((await read(phaseUrl(id, theirs.small, 1))).status).toBe(404);
    expect((await read(phaseUrl(id, crypto.randomUUID(), 1))).status).toBe(404);

    for (const [path, where] of [[phaseUrl(id, "nope", 1), "param.document_id"], [phaseUrl("nope", small, 1), "param.id"],
      [phaseUrl(id, small, "x"), "param.phase_index"], [phaseUrl(id, small, -1), "param.phase_index"],
      [phaseUrl(id, small, 4), "param.phase_index"], [phaseUrl(id, small, "9".repeat(5000)), "param.phase_index"]]) {
      const res = await read(path);
      expect(res.status).toBe(400);
      expect((await res.json()).error.details[0].path).toBe(where);
    }
    await t.db.deleteFrom("document_phases").where("document_id", "=", small).where("phase_index", "=", 2).execute();
    const missing = await read(phaseUrl(id, small, 2));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
    const run = await (await read(`/v1/pipelines/${id}`)).json();
    expect(run.steps[2].result_url).toBeNull(); // no output, no url
  });
});
