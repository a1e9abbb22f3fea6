import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawPdf, type Drawn, type DrawnPage } from "../support/pdf-layouts";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct, openReviews } from "../support/products";
import type { QueueMessage } from "../../src/adapters/queue/interface";
import { findPipeline } from "../../src/db/queries/pipelines";
import { advanceDocument } from "../../src/pipeline/engine";
import type { PhaseMessage } from "../../src/pipeline/messages";
import { rerunPipeline } from "../../src/pipeline/rerun";

/**
 * A 12-page stack of 5 invoices drawn at coordinates (two columns: the customer on the left, the
 * invoice's facts on the right), with every rule the split has: an identifier repeated on a
 * continuation page, "Page k of n" counters, a blank separator page, and a continuation page that
 * carries nothing but its text.
 */
interface StackedInvoice {
  number: string;
  customer: string;
  date: string;
  total: string;
  pages: number;
  /** How its continuation pages say they belong: the identifier again, a page counter, or nothing. */
  continued: "identifier" | "counter" | "nothing";
}

const invoices: StackedInvoice[] = [
  { number: "INV-1001", customer: "Ana Lima", date: "2024-03-01", total: "120.50", pages: 2, continued: "identifier" },
  { number: "INV-1002", customer: "Bruno Costa", date: "2024-03-02", total: "1,980.00", pages: 3, continued: "counter" },
  { number: "INV-1003", customer: "Chloé Martin", date: "2024-03-03", total: "45.00", pages: 2, continued: "counter" },
  { number: "INV-1004", customer: "Dieter Maier", date: "2024-03-04", total: "310.10", pages: 2, continued: "nothing" },
  { number: "INV-1005", customer: "Eva Novák", date: "2024-03-05", total: "77.70", pages: 2, continued: "nothing" },
];
const BLANK_BEFORE = 3; // a blank separator page sits before the fourth invoice

function invoicePages(inv: StackedInvoice): DrawnPage[] {
  return Array.from({ length: inv.pages }, (_, k) => {
    const items: Drawn[] = [{ text: `Line items of ${inv.customer.split(" ")[0]}, sheet ${k + 1}`, x: 50, y: 600 }];
    if (k === 0) {
      items.push(
        { text: "ACME Supplies GmbH", x: 50, y: 790, size: 14, bold: true },
        { text: `Bill to: ${inv.customer}`, x: 50, y: 760 },
        { text: `Invoice No: ${inv.number}`, x: 330, y: 740 },
        { text: "Kundennr. 4711", x: 50, y: 720 },
        { text: `Date: ${inv.date}`, x: 330, y: 700 },
      );
    } else if (inv.continued === "identifier") {
      items.push({ text: `Invoice No: ${inv.number} (continued)`, x: 330, y: 790 });
    }
    if (inv.continued === "counter") items.push({ text: `Page ${k + 1} of ${inv.pages}`, x: 500, y: 40, right: true });
    if (k === inv.pages - 1) items.push({ text: "Total:", x: 330, y: 200 }, { text: inv.total, x: 540, y: 200, right: true });
    return { items };
  });
}

async function stackPdf() {
  const pages = invoices.flatMap((inv, i) => [...(i === BLANK_BEFORE ? [{ items: [] }] : []), ...invoicePages(inv)]);
  expect(pages).toHaveLength(12);
  return drawPdf(pages);
}

const fields = [
  { name: "number", type: "string", required: true, extract: [{ type: "label", labels: ["Invoice No"] }] },
  { name: "customer", type: "string", extract: [{ type: "label", labels: ["Bill to"] }] },
  { name: "date", type: "date", extract: [{ type: "label", labels: ["Date"] }] },
  { name: "total", type: "number", required: true, extract: [{ type: "label", labels: ["Total"] }] },
];
const split = { types: [{ name: "invoice", when: { any: ["Invoice No"] }, identifier: String.raw`Invoice No:\s*(INV-\d+)` }] };
const phases = [{ type: "transfer", split }, { type: "extraction" }, { type: "resolution" }];

let t: TestApp;
let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await stackPdf();
  t = await startTestApp();
});
afterAll(() => t.close());

type Part = { index: number; type: string | null; pages: [number, number]; identifier: string | null; split_reason: string };
type RecordsBody = {
  order: string[];
  records: Record<string, { document_id: string; parent_document_id?: string; part?: Part; fields: Record<string, { value: unknown }> }>;
  split_documents: Array<{ document_id: string; external_id: string | null; children: string[] }>;
};

async function runStack(extra: Record<string, unknown> = {}, document: Record<string, unknown> = {}) {
  const stack = { id: "stack", content_base64: Buffer.from(pdf).toString("base64"), filename: "stack.pdf", ...document };
  const res = await t.request("/v1/pipelines", { method: "POST", json: { name: "stack", fields, phases, documents: [stack], ...extra } });
  expect(res.status).toBe(202);
  const { id } = await res.json();
  await settle(t);
  return id as string;
}

const records = async (id: string) => (await (await t.request(`/v1/pipelines/${id}/records`)).json()) as RecordsBody;

const expectedPages = (() => {
  let page = 0;
  return invoices.map((inv, i) => {
    if (i === BLANK_BEFORE) page++;
    const range = [page, page + inv.pages - 1];
    page += inv.pages;
    return range;
  });
})();

describe("split: a stacked PDF becomes one child document per invoice", () => {
  it("finds every part with its pages and reads every field of each", async () => {
    const id = await runStack();
    const body = await records(id);
    expect(body.split_documents).toHaveLength(1);
    expect(body.split_documents[0].external_id).toBe("stack");
    const parts = body.order.map((key) => body.records[key]);
    expect(parts.map((r) => r.part?.pages)).toEqual(expectedPages);
    expect(parts.map((r) => r.part?.identifier)).toEqual(invoices.map((inv) => inv.number));
    expect(parts.map((r) => r.part?.split_reason)).toEqual(["first_page", "identifier", "identifier", "blank_page", "identifier"]);
    expect(parts.every((r) => r.parent_document_id === body.split_documents[0].document_id && r.part?.type === "invoice")).toBe(true);
    expect(body.split_documents[0].children).toEqual(body.order);
    expect(parts.map((r) => r.fields.number.value)).toEqual(invoices.map((inv) => inv.number));
    expect(parts.map((r) => r.fields.customer.value)).toEqual(invoices.map((inv) => inv.customer));
    expect(parts.map((r) => r.fields.date.value)).toEqual(invoices.map((inv) => inv.date));
    expect(parts.map((r) => r.fields.total.value)).toEqual(invoices.map((inv) => Number(inv.total.replace(",", ""))));

    const run = await (await t.request(`/v1/pipelines/${id}`)).json();
    expect(run.status).toBe("completed");
  });

  it("limits fields to part types: another type's field is no_result (not_for_type) and leaves the part complete", async () => {
    const credit = { name: "credit_ref", type: "string", required: true, types: ["credit_note"], extract: [{ type: "label", labels: ["Credit note"] }] };
    const twoTypes = { ...split, types: [...split.types, { name: "credit_note", when: { any: ["Credit note"] } }] };
    const id = await runStack({ fields: [...fields, credit], phases: [{ type: "transfer", split: twoTypes }, ...phases.slice(1)] });
    const body = await records(id);
    const cells = body.order.map((k) => body.records[k].fields.credit_ref as { value: unknown; status?: string; reason?: { code: string } });
    expect(cells.map((c) => [c.status, c.reason?.code])).toEqual(invoices.map(() => ["no_result", "not_for_type"]));
    expect((await (await t.request(`/v1/pipelines/${id}`)).json()).status).toBe("completed");

    const wrong = await t.request("/v1/pipelines", { method: "POST", json: { fields: [...fields, credit], phases, documents: [{ text: "x" }] } });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.details).toContainEqual({ path: "fields.4.types.0", message: expect.stringContaining("credit_note") });
  });

  it("evaluates each part against the values expected for it, by identifier or by index", async () => {
    const expected_parts = [
      { identifier: "INV-1002", expected: { total: 1980 } },
      { index: 0, expected: { number: "INV-1001", total: 999 } },
    ];
    const id = await runStack({ run_evals: true }, { expected_parts });
    const evaluation = await (await t.request(`/v1/pipelines/${id}/evaluation`)).json();
    expect(evaluation).toMatchObject({ documents_evaluated: 2, fields: { total: { compared: 2, correct: 1 }, number: { compared: 1, correct: 1 } } });
    const wrong = evaluation.documents.find((d: { differences: unknown[] }) => d.differences.length > 0);
    expect(wrong.differences).toEqual([{ field: "total", expected: 999, actual: 120.5, status: "completed", silent: true }]);
  });
});

describe("split: rows, reruns and duplicate deliveries", () => {
  let id: string;
  let first: RecordsBody;
  beforeAll(async () => {
    id = await runStack();
    first = await records(id);
  });

  it("shows one data product row per part, never the stacked file", async () => {
    const res = await t.request(`/v1/pipelines/${id}/data-product`, { method: "POST", json: {} });
    expect(res.status).toBe(200);
    const { dataProduct } = await res.json();
    const rows = await (await t.request(`/v1/data-products/${dataProduct.id}/rows`)).json();
    expect(rows.items.map((r: { fields: { number: { value: unknown } } }) => r.fields.number.value)).toEqual(invoices.map((inv) => inv.number));
    const csv = await (await t.request(`/v1/data-products/${dataProduct.id}/export.csv`)).text();
    expect(csv.trim().split("\r\n")).toHaveLength(1 + invoices.length);
  });

  it("re-splits idempotently on a rerun from transfer: the same parts, in place, read the same", async () => {
    const res = await t.request(`/v1/pipelines/${id}/rerun`, { method: "POST", json: { from_phase: "transfer" } });
    expect(res.status).toBe(200);
    expect((await res.json()).enqueued).toBe(1);
    await settle(t);
    const again = await records(id);
    expect(again.order).toEqual(first.order);
    expect(again.order.map((k) => again.records[k].fields)).toEqual(first.order.map((k) => first.records[k].fields));
    const run = await (await t.request(`/v1/pipelines/${id}`)).json();
    expect(run.status).toBe("completed");
  });

  it("reruns the parts, not the stacked file, from extraction", async () => {
    const res = await t.request(`/v1/pipelines/${id}/rerun`, { method: "POST", json: { from_phase: "extraction" } });
    expect((await res.json()).enqueued).toBe(invoices.length);
    await settle(t);
    const run = await (await t.request(`/v1/pipelines/${id}`)).json();
    expect(run.status).toBe("completed");
    const again = await records(id);
    expect(again.order.map((k) => again.records[k].fields.total.value)).toEqual(first.order.map((k) => first.records[k].fields.total.value));
  });

  it("makes the parts once when the stacked file's transfer is delivered twice at once", async () => {
    const held: QueueMessage[] = [];
    const services = { ...t.services, queue: { publish: async (m: QueueMessage) => (held.push(m), { messageId: `held-${held.length}` }) } };
    const pipeline = await findPipeline(t.db, t.organizationId, id);
    await rerunPipeline(services, pipeline!, "transfer");
    expect(held).toHaveLength(1);
    const bodyOf = (m: QueueMessage) => {
      const { type: _type, ...phase } = m.body as PhaseMessage & { type: string };
      return phase;
    };
    const message = bodyOf(held[0]);
    const outcomes = await Promise.all([advanceDocument(services, message, 0), advanceDocument(services, message, 0)]);
    expect(outcomes.map((o) => o.effect).sort()).toEqual(["advanced", "none"]);
    expect(held).toHaveLength(1 + invoices.length);
    for (const m of held.slice(1)) await advanceDocument(t.services, bodyOf(m), 0);
    await settle(t);
    const run = await (await t.request(`/v1/pipelines/${id}`)).json();
    expect(run.status).toBe("completed");
    expect((await records(id)).order).toEqual(first.order);
  });
});

describe("split: review decisions on parts", () => {
  it("keeps a decision on a part across a rerun from transfer that re-splits it unchanged", async () => {
    const gate = { type: "validation", gates: [{ id: "small", mode: "blocking", rules: [{ rule: "max", field: "total", value: 1000 }] }] };
    const id = await runStack({ phases: [...phases, gate] });
    const { body: product } = await createProduct(t, id);
    const [item] = await openReviews(t, product.dataProduct.id);
    expect(item).toMatchObject({ field: "total", candidate: 1980 });
    const decided = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve" } });
    expect(decided.status).toBe(201);

    await t.request(`/v1/pipelines/${id}/rerun`, { method: "POST", json: { from_phase: "transfer" } });
    await settle(t);
    const body = await records(id);
    const part = Object.values(body.records).find((r) => r.document_id === item.document_id)!;
    expect(part.fields.total).toMatchObject({ value: 1980, status: "completed" });
    expect((await (await t.request(`/v1/pipelines/${id}`)).json()).status).toBe("completed");
  });
});
