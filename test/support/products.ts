import { expect } from "vitest";
import type { TestApp } from "./harness";
import { createPipeline, invoiceDocuments, invoiceText, settle } from "./pipelines";

/** A finished run of `count` invoices in which document `parkedAt` has its total parked for review. */
export async function finishedRunWithParkedCell(t: TestApp, count = 3, parkedAt = 1, extra: Record<string, unknown> = {}) {
  const documents = invoiceDocuments(count);
  documents[parkedAt] = { id: `doc-${parkedAt}`, text: invoiceText(parkedAt, 25_000) };
  const { res, body } = await createPipeline(t, { documents, ...extra });
  expect(res.status).toBe(202);
  await settle(t);
  return body as { id: string };
}

export async function createProduct(t: TestApp, pipelineId: string, name?: string) {
  const res = await t.request(`/v1/pipelines/${pipelineId}/data-product`, { method: "POST", json: name ? { name } : {} });
  return { res, body: await res.json() };
}

export async function openReviews(t: TestApp, productId: string) {
  return (await (await t.request(`/v1/data-products/${productId}/reviews?status=open`)).json()).items as Array<{ id: string; field: string; document_id: string; candidate: unknown; gate: string }>;
}
