import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDocuments, settle } from "../support/pipelines";
import { createProduct, finishedRunWithParkedCell, openReviews } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("data product and review errors", () => {
  it("400s a preview run and a run with nothing complete or partial", async () => {
    const { body: preview } = await createPipeline(t, { documents: invoiceDocuments(2), preview: true });
    await settle(t);
    expect((await createProduct(t, preview.id)).res.status).toBe(400);
    const { body: broken } = await createPipeline(t, { documents: [{ content_base64: btoa("%PDF-1.4 nope") }] });
    await settle(t);
    const res = await createProduct(t, broken.id);
    expect(res.res.status).toBe(400);
    expect(res.body.error.code).toBe("bad_request");
    expect(await t.db.selectFrom("data_products").select("id").where("pipeline_id", "in", [preview.id, broken.id]).execute()).toHaveLength(0);
  });

  it("404s unknown and foreign ids everywhere, 403s a read key on writes", async () => {
    const run = await finishedRunWithParkedCell(t, 2, 0);
    const { body } = await createProduct(t, run.id);
    const productId = body.dataProduct.id;
    const [item] = await openReviews(t, productId);
    const other = await t.otherTenant();
    const as = { key: other.api_key };
    expect((await t.request(`/v1/pipelines/${run.id}/data-product`, { method: "POST", json: {}, ...as })).status).toBe(404);
    expect((await t.request(`/v1/pipelines/00000000-0000-4000-8000-000000000000/data-product`, { method: "POST", json: {} })).status).toBe(404);
    for (const path of ["", "/rows", "/export.csv", "/reviews", "/share-tokens"]) {
      expect((await t.request(`/v1/data-products/${productId}${path}`, as)).status).toBe(404);
    }
    expect((await t.request(`/v1/data-products/${productId}`, { method: "DELETE", ...as })).status).toBe(404);
    expect((await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve" }, ...as })).status).toBe(404);
    expect((await t.request(`/v1/pipelines/${run.id}/review-decisions`, as)).status).toBe(404);
    const reader = await t.createKey(["read"]);
    expect((await t.request(`/v1/pipelines/${run.id}/data-product`, { method: "POST", json: {}, key: reader })).status).toBe(403);
    expect((await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve" }, key: reader })).status).toBe(403);
    expect((await t.request(`/v1/data-products/${productId}/rows`, { key: reader })).status).toBe(200);
  });

  it("400s bad decisions and bad paging input", async () => {
    const run = await finishedRunWithParkedCell(t, 2, 0);
    const { body } = await createProduct(t, run.id);
    const [item] = await openReviews(t, body.dataProduct.id);
    for (const json of [{ decision: "maybe" }, { decision: "approve", value: 3 }, { decision: "override" }, { decision: "approve", extra: 1 }]) {
      expect((await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json })).status).toBe(400);
    }
    expect((await t.request(`/v1/data-products/${body.dataProduct.id}/rows?cursor=abc`)).status).toBe(400);
    expect((await t.request(`/v1/data-products/${body.dataProduct.id}/rows?limit=5000`)).status).toBe(400);
    expect((await t.request(`/v1/data-products/${body.dataProduct.id}/share-tokens`, { method: "POST", json: { expires_in: 5 } })).status).toBe(400);
    expect((await t.request(`/v1/reviews/not-a-uuid/decision`, { method: "POST", json: { decision: "approve" } })).status).toBe(400);
    expect(await openReviews(t, body.dataProduct.id)).toHaveLength(1);
  });
});
