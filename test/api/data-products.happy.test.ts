import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDocuments, invoiceText, settle } from "../support/pipelines";
import { createProduct, finishedRunWithParkedCell, openReviews } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("data products", () => {
  it("creates one product per run, reactivates it on later calls, also concurrently", async () => {
    const run = await finishedRunWithParkedCell(t);
    const first = await createProduct(t, run.id, "Q3 invoices");
    expect(first.res.status).toBe(200);
    expect(first.body).toEqual({
      dataProduct: { id: expect.any(String), name: "Q3 invoices", pipeline_id: run.id, status: "active" },
      shareToken: {
        data_product_id: first.body.dataProduct.id, token: expect.stringMatching(/^shr_[A-Za-z0-9_-]{43}$/), expires_at: null,
        url: `http://sluice.test/share/${first.body.shareToken.token}`, csv_url: `http://sluice.test/share/${first.body.shareToken.token}.csv`,
      },
    });
    // The links in the answer are the ones that work.
    expect((await t.request(new URL(first.body.shareToken.csv_url).pathname, { key: null })).status).toBe(200);
    const page = await t.request(new URL(first.body.shareToken.url).pathname, { key: null, headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    await t.request(`/v1/data-products/${first.body.dataProduct.id}`, { method: "DELETE" });
    const again = await Promise.all(Array.from({ length: 5 }, () => createProduct(t, run.id)));
    for (const r of again) {
      expect(r.res.status).toBe(200);
      expect(r.body.dataProduct).toEqual({ ...first.body.dataProduct, status: "active" });
    }
    const rows = await t.db.selectFrom("data_products").select("id").where("pipeline_id", "=", run.id).execute();
    expect(rows).toHaveLength(1);
  });

  it("defaults the name from the run", async () => {
    const { body: run } = await createPipeline(t, { name: "March batch", documents: invoiceDocuments(1) });
    await settle(t);
    expect((await createProduct(t, run.id)).body.dataProduct.name).toBe("March batch (data product)");
  });

  it("withholds parked values in rows until a reviewer approves, and pages with a cursor", async () => {
    const run = await finishedRunWithParkedCell(t, 5, 1);
    const { body } = await createProduct(t, run.id);
    const id = body.dataProduct.id;
    const page1 = await (await t.request(`/v1/data-products/${id}/rows?limit=2`)).json();
    expect(page1.items).toHaveLength(2);
    expect(page1.items[1].fields.total).toEqual({ value: null, status: "needs_review", reason: "gate_failed" });
    expect(page1.items[0].fields.total).toEqual({ value: 100, status: "completed" });
    const page2 = await (await t.request(`/v1/data-products/${id}/rows?limit=2&cursor=${page1.next_cursor}`)).json();
    const page3 = await (await t.request(`/v1/data-products/${id}/rows?limit=2&cursor=${page2.next_cursor}`)).json();
    expect([...page1.items, ...page2.items, ...page3.items].map((r) => r.external_id)).toEqual(["doc-0", "doc-1", "doc-2", "doc-3", "doc-4"]);
    expect(page3.next_cursor).toBeNull();

    const [item] = await openReviews(t, id);
    expect(item).toMatchObject({ field: "total", gate: "sane_total", candidate: 25000 });
    const decided = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve", comment: "checked the PDF" } });
    expect(decided.status).toBe(201);
    const after = await (await t.request(`/v1/data-products/${id}/rows?limit=2`)).json();
    expect(after.items[1].fields.total).toEqual({ value: 25000, status: "completed" });
    const records = await (await t.request(`/v1/pipelines/${run.id}/records`)).json();
    expect(records.records[records.order[1]].fields.total).toMatchObject({ value: 25000, resolved_by: "review", reason: null });
    const detail = await (await t.request(`/v1/pipelines/${run.id}`)).json();
    expect(detail.status).toBe("completed");
    expect(await openReviews(t, id)).toEqual([]);
  });

  it("overrides with a value checked against the field type, and rejects", async () => {
    const run = await finishedRunWithParkedCell(t, 3, 0);
    const { body } = await createProduct(t, run.id);
    const [item] = await openReviews(t, body.dataProduct.id);
    const bad = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "override", value: "lots" } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].path).toBe("value");
    const ok = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "override", value: 99.5 } });
    expect(ok.status).toBe(201);
    expect((await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve" } })).status).toBe(409);
    const rows = await (await t.request(`/v1/data-products/${body.dataProduct.id}/rows`)).json();
    expect(rows.items[0].fields.total).toEqual({ value: 99.5, status: "completed" });

    const run2 = await finishedRunWithParkedCell(t, 2, 1);
    const p2 = await createProduct(t, run2.id);
    const [item2] = await openReviews(t, p2.body.dataProduct.id);
    await t.request(`/v1/reviews/${item2.id}/decision`, { method: "POST", json: { decision: "reject" } });
    const rows2 = await (await t.request(`/v1/data-products/${p2.body.dataProduct.id}/rows`)).json();
    expect(rows2.items[1].fields.total).toEqual({ value: null, status: "failed", reason: "rejected_by_review" });
    const log = await (await t.request(`/v1/pipelines/${run2.id}/review-decisions`)).json();
    expect(log.items).toEqual([expect.objectContaining({ decision: "reject", field: "total", gate: "sane_total", decided_by: expect.any(String) })]);
  });

  it("pages the decision log and the review items in the one list envelope", async () => {
    const documents = invoiceDocuments(3);
    documents[1] = { id: "doc-1", text: invoiceText(1, 25_000) };
    documents[2] = { id: "doc-2", text: invoiceText(2, 30_000) };
    const { body: run } = await createPipeline(t, { documents });
    await settle(t);
    const id = (await createProduct(t, run.id)).body.dataProduct.id;
    const open = await (await t.request(`/v1/data-products/${id}/reviews?status=open&limit=1`)).json();
    expect(open).toMatchObject({ limit: 1, offset: 0, next_cursor: "o1" });
    const rest = await (await t.request(`/v1/data-products/${id}/reviews?status=open&limit=1&cursor=${open.next_cursor}`)).json();
    expect(rest).toMatchObject({ offset: 1, next_cursor: "o2" });
    for (const item of [...open.items, ...rest.items]) {
      expect((await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve" } })).status).toBe(201);
    }
    const first = await (await t.request(`/v1/pipelines/${run.id}/review-decisions?limit=1`)).json();
    expect(first).toMatchObject({ limit: 1, next_cursor: first.items[0].id });
    const second = await (await t.request(`/v1/pipelines/${run.id}/review-decisions?limit=1&cursor=${first.next_cursor}`)).json();
    expect(second.items[0].id).not.toBe(first.items[0].id);
    // The old ?after= still pages the same way.
    expect(await (await t.request(`/v1/pipelines/${run.id}/review-decisions?limit=1&after=${first.next_cursor}`)).json()).toEqual(second);
    const last = await (await t.request(`/v1/pipelines/${run.id}/review-decisions?limit=1&cursor=${second.next_cursor}`)).json();
    expect(last).toEqual({ items: [], limit: 1, next_cursor: null });
    expect([...first.items, ...second.items].map((d) => d.review_item_id).sort()).toEqual([...open.items, ...rest.items].map((i) => i.id).sort());
  });

  it("exports RFC 4180 CSV with held-back cells empty and formulas neutralised", async () => {
    const tricky = [
      { id: "a", text: "Invoice No: =HYPERLINK(\"http://x\")\nTotal: 10.00\n" },
      { id: "b", text: "Invoice No: A,\"B\"\nTotal: 20000.00\n" },
      { id: "c", text: "Invoice No: @SUM(A1)\nTotal: -5.00\n" },
    ];
    const { body: run } = await createPipeline(t, { documents: tricky });
    await settle(t);
    const { body } = await createProduct(t, run.id);
    const res = await t.request(`/v1/data-products/${body.dataProduct.id}/export.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.csv"$/);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("invoice_number,total,issued");
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"")",10,`);
    expect(lines[2]).toBe(`"A,""B""",,`);
    expect(lines[3]).toBe("'@SUM(A1),-5,");
    expect(lines[4]).toBe("");
  });

  it("streams every row, in order, across many pages", async () => {
    const { body: run } = await createPipeline(t, { documents: invoiceDocuments(1) });
    await settle(t);
    // Rows past the first page are written straight to the table: 4,500 runs through the API would be slow.
    await sql`insert into documents (pipeline_id, organization_id, ordinal, source, status, cells, phase_index)
              select d.pipeline_id, d.organization_id, g, d.source, 'complete',
                     jsonb_set(d.cells, '{invoice_number,value}', to_jsonb('N-' || g)), d.phase_index
              from documents d, generate_series(1, 4500) g where d.pipeline_id = ${run.id}`.execute(t.db);
    // Readers read the published generation's rows, which a finishing commit writes.
    await sql`insert into document_versions (pipeline_id, generation, ordinal, document_id, status, cells)
              select pipeline_id, generation, ordinal, id, status, cells from documents
              where pipeline_id = ${run.id} and ordinal > 0`.execute(t.db);
    const { body } = await createProduct(t, run.id);
    const text = await (await t.request(`/v1/data-products/${body.dataProduct.id}/export.csv`)).text();
    const numbers = text.trimEnd().split("\r\n").slice(1).map((line) => line.split(",")[0]);
    expect(numbers).toHaveLength(4501);
    expect(numbers.slice(0, 3)).toEqual(["INV-0", "N-1", "N-2"]);
    expect(numbers.at(-1)).toBe("N-4500");
    expect(new Set(numbers).size).toBe(4501);
  });
});
