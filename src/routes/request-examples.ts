/**
 * A realistic request body for every operation that takes one, by operationId: shown in
 * /openapi.json and /docs. test/api/openapi.examples.test.ts checks each against its schema and
 * sends it to the API, which must accept it.
 */
const invoice = (number: string, date: string, total: string) =>
  `ACME Ltd\nInvoice No: ${number}\nDate: ${date}\nTotal: ${total}\n`;

const FIELDS = [
  { name: "invoice_number", type: "string", required: true, extract: [{ type: "label", labels: ["Invoice No", "Invoice #"] }] },
  { name: "issued", type: "date", extract: [{ type: "label", labels: ["Date"] }], resolve: { day_first: true } },
  { name: "total", type: "number", required: true, extract: [{ type: "label", labels: ["Total"] }] },
];
const PHASES = [
  { type: "transfer" },
  { type: "extraction" },
  { type: "resolution" },
  { type: "validation", gates: [{ id: "sane_total", mode: "blocking", rules: [{ rule: "max", field: "total", value: 10000 }] }] },
];
const DOCUMENTS = [
  { id: "inv-1", text: invoice("INV-1", "03.04.2024", "101.00") },
  { id: "inv-2", text: invoice("INV-2", "05.04.2024", "12000.00") },
];

const createPipeline = { name: "March invoices", documents: DOCUMENTS, fields: FIELDS, phases: PHASES };

export const REQUEST_EXAMPLES: Record<string, unknown> = {
  createPipeline,
  runPipelineSync: createPipeline,
  rerunPipeline: { from_phase: "validation" },
  createDataProduct: { name: "March invoices" },
  createShareToken: { expires_in: 604800 },
  decideReviewItem: { decision: "override", value: 1200, comment: "checked against the PDF: the total is 1,200.00" },
  createSchedule: {
    pipeline_id: "23b6c66e-2576-4f4a-9582-258253c20622", cron: "0 6 * * mon-fri", from_phase: "extraction", timezone: "Europe/Berlin",
  },
  createApiKey: { name: "nightly import", scopes: ["read", "write"] },
  draftTemplate: {
    documents: [{ text: "Globex Inc\nInvoice 2024-118\nAmount payable EUR 1,250.00\n" }],
    fields: [{ name: "total", type: "currency", description: "the amount payable" }],
  },
  createTemplate: {
    name: "Invoices",
    description: "Supplier invoices",
    fields: FIELDS,
    phases: PHASES,
    context_vars: [{ name: "supplier", type: "string", description: "the supplier's name as in the ERP" }],
  },
  updateTemplateDraft: { description: "Supplier invoices, amounts in EUR" },
  runTemplate: { version: 1, documents: DOCUMENTS, context: { supplier: "ACME Ltd" } },
  putEvaluationSet: {
    documents: [
      { id: "inv-1", text: invoice("INV-1", "03.04.2024", "101.00"), expected: { invoice_number: "INV-1", issued: "2024-04-03", total: 101 } },
      { id: "inv-3", text: invoice("INV-3", "08.04.2024", "87.50"), expected: { invoice_number: "INV-3", issued: "2024-04-08", total: 87.5 } },
    ],
  },
  evaluateTemplate: { version: 1 },
  createWebhookEndpoint: { url: "https://erp.example.com/hooks/sluice", events: ["run.completed", "review.needed"], description: "ERP import" },
  updateWebhookEndpoint: { events: ["run.completed", "document.reviewed"], description: "ERP import and review log" },
};
