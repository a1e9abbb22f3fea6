import type { TestApp } from "./harness";

/** A small invoice definition used across the engine tests. */
export const invoiceDefinition = {
  fields: [
    { name: "invoice_number", type: "string", required: true, extract: [{ type: "label", labels: ["Invoice No", "Invoice #"] }] },
    { name: "total", type: "number", required: true, extract: [{ type: "label", labels: ["Total"] }] },
    { name: "issued", type: "date", extract: [{ type: "label", labels: ["Date"] }], resolve: { day_first: true } },
  ],
  phases: [
    { type: "transfer" },
    { type: "extraction" },
    { type: "resolution" },
    { type: "validation", gates: [{ id: "sane_total", mode: "blocking", rules: [{ rule: "required", field: "total" }, { rule: "max", field: "total", value: 10000 }] }] },
  ],
};

export const invoiceText = (n: number, total = 100 + n) => `ACME Ltd\nInvoice No: INV-${n}\nDate: 03/04/2024\nTotal: ${total.toFixed(2)}\n`;

export const invoiceDocuments = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `doc-${i}`, text: invoiceText(i) }));

export async function createPipeline(t: TestApp, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await t.request("/v1/pipelines", { method: "POST", json: { ...invoiceDefinition, ...body }, headers });
  return { res, body: await res.json() };
}

/** Waits for the in-process queue to drain: every message delivered or given up. */
export async function settle(t: TestApp) {
  await t.embeddedQueue!.idle();
}
