/**
 * Realistic answers of the run operations, for /openapi.json and /docs; the OpenAPI test checks
 * each against its schema. Taken from a real run of two invoices, one held by a gate.
 */
export const RUN_ID = "23b6c66e-2576-4f4a-9582-258253c20622";
const EXECUTION_ID = "4106eec2-da19-497e-8c93-6b1820b4e64f";
export const DOCUMENT_ID = "6067541a-ce0d-4e33-86ad-480d4772dc3d";
const HELD_DOCUMENT_ID = "2385d599-f2a8-48ea-a9b8-f68c59cffcec";
const CREATED = "2026-11-30T00:14:05.401Z";
const FINISHED = "2026-11-30T00:14:07.685Z";
const PHASES = ["transfer", "extraction", "resolution", "validation"] as const;

const counts = (pending: number, complete: number, partial: number) => ({ total: 2, pending, complete, partial, error: 0, cancelled: 0 });

const pendingStep = (index: number) => ({
  step_index: index, step_type: PHASES[index], status: "pending", lookup_key: null, result_url: null, started_at: null, finished_at: null,
  error_message: null, source_step_type: index > 0 ? PHASES[index - 1] : null, checkpoint_id: null,
  documents: { completed: 0, failed: 0, cancelled: 0, retrying: 0 },
});

const completedStep = (index: number) => ({
  ...pendingStep(index),
  status: "completed",
  result_url: index === 0
    ? `/v1/pipelines/${RUN_ID}/documents/${DOCUMENT_ID}/content?format=text`
    : `/v1/pipelines/${RUN_ID}/documents/${DOCUMENT_ID}/phases/${index}`,
  started_at: "2026-11-30T00:14:05.791Z",
  finished_at: "2026-11-30T00:14:07.641Z",
  checkpoint_id: index > 0 ? `${RUN_ID}/phases/${index - 1}@1` : null,
  documents: { completed: 2, failed: 0, cancelled: 0, retrying: 0 },
});

const FIELDS = [
  { name: "invoice_number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }], resolve: {}, required: true, expression: null },
  { name: "total", type: "number", extract: [{ type: "label", labels: ["Total"] }], resolve: {}, required: true, expression: null },
];
const CONFIG = {
  fields: FIELDS.map((f) => ({ ...f, description: null })),
  phases: [
    ...PHASES.slice(0, 3).map((type, index) => ({ type, index })),
    { type: "validation", index: 3, gates: [{ id: "sane_total", mode: "blocking", rules: [{ rule: "max", field: "total", value: 10000 }] }] },
  ],
  version: 1,
};

const EXECUTION = {
  id: EXECUTION_ID, pipeline_id: RUN_ID, parent_id: null, root_id: EXECUTION_ID, depth: 0, generation: 1, triggered_by: "api",
  trigger_ref: null, from_phase_index: 0, status: "running", error: null, outcome: null, context: null,
  input_config: { name: "March invoices" }, started_at: CREATED, completed_at: null,
};

export const RUN_SUMMARY_EXAMPLE = {
  id: RUN_ID, name: "March invoices", status: "partial", preview: false, generation: 1, template_id: null, template_version: null,
  webhook_url: "https://erp.example.com/hooks/sluice", output_format: "text", parent_id: null, root_id: RUN_ID, execution_id: EXECUTION_ID,
  cancel_requested: false, created_at: CREATED, updated_at: FINISHED, finished_at: FINISHED, counts: counts(0, 1, 1),
};

/** The 202 of a create: nothing has run yet. */
export const CREATED_RUN_EXAMPLE = {
  ...RUN_SUMMARY_EXAMPLE, status: "running", updated_at: CREATED, finished_at: null, counts: counts(2, 0, 0),
  pipeline_id: null, pipeline_version: null, steps: PHASES.map((_, i) => pendingStep(i)),
  started_at: CREATED, completed_at: null, created: CREATED, config_snapshot: CONFIG, input_config: { name: "March invoices" },
  rate_breakdown: { documents: 2, pages: 0, cells: 4, queue_messages: 2 }, execution: EXECUTION,
};

export const RUN_DETAIL_EXAMPLE = {
  ...CREATED_RUN_EXAMPLE, ...RUN_SUMMARY_EXAMPLE,
  documents_by_state: { queued: 0, processing: 0, complete: 1, partial: 1, error: 0, cancelled: 0 },
  config: CONFIG,
  usage: { documents: 2, pages: 2, cells: 4, queue_messages: 8 },
  steps: PHASES.map((_, i) => completedStep(i)),
  completed_at: FINISHED,
  rate_breakdown: { documents: 2, pages: 2, cells: 4, queue_messages: 8 },
  execution: {
    ...EXECUTION, status: "partial", completed_at: FINISHED,
    outcome: { summary: "2 of 2 documents processed: 1 complete, 1 partial, 0 error, 0 cancelled", row_count: 2 },
  },
};

export const RUN_LIST_EXAMPLE = { items: [RUN_SUMMARY_EXAMPLE], total: 1, limit: 50, offset: 0, next_cursor: null };

export const STEP_LIST_EXAMPLE = {
  items: [{
    id: "1", pipeline_id: RUN_ID, document_id: DOCUMENT_ID, execution_id: EXECUTION_ID, phase_index: 0, phase_type: "transfer",
    generation: 1, attempt: 0, status: "completed", started_at: "2026-11-30T00:14:05.791Z", finished_at: "2026-11-30T00:14:05.925Z",
    duration_ms: 134, error: null, lookup_key: "8011a971ee68ed4136ac3e146a7ac8d0e1cead993d67fe2bd027a7e14751ab35|||all|p2",
    cache_hit: false, notes: null, result_url: `/v1/pipelines/${RUN_ID}/documents/${DOCUMENT_ID}/content?format=text`,
  }],
  limit: 1,
  next_cursor: "1",
};

export const TREE_EXAMPLE = {
  root_id: RUN_ID,
  items: [{ id: RUN_ID, name: "March invoices", status: "partial", parent_id: null, created_at: CREATED }],
  execution_root_id: EXECUTION_ID,
  executions: [RUN_DETAIL_EXAMPLE.execution],
};

const provenance = (start: number, end: number) => ({ extractor: "label", page: 0, start, end });
const label = (raw: string, start: number) => ({
  raw, confidence: 0.9, provenance: provenance(start, start + raw.length),
  candidates: [{ value: raw, confidence: 0.9, provenance: provenance(start, start + raw.length) }],
});
const completedCell = (type: string, value: unknown, meta: object) =>
  ({ value, status: "completed", type, reason: null, claimed_by: "extraction:label", resolved_by: "extraction:label", meta });
const definition = (name: string, type: string, ui: object) =>
  ({ name, type, required: true, description: null, claimed_by: "extraction:label", ui });

export const RECORDS_EXAMPLE = {
  id: RUN_ID,
  status: "partial",
  order: ["inv-1", "inv-2"],
  field_definitions: {
    invoice_number: definition("invoice_number", "string", { format: "text" }),
    total: definition("total", "number", { format: "number" }),
  },
  field_list: [definition("invoice_number", "string", { format: "text" }), definition("total", "number", { format: "number" })],
  records: {
    "inv-1": {
      id: "inv-1", document_id: DOCUMENT_ID, external_id: "inv-1", filename: null, status: "complete",
      fields: { invoice_number: completedCell("string", "INV-1", label("INV-1", 21)), total: completedCell("number", 101, label("101.00", 51)) },
    },
    "inv-2": {
      id: "inv-2", document_id: HELD_DOCUMENT_ID, external_id: "inv-2", filename: null, status: "partial",
      fields: {
        invoice_number: completedCell("string", "INV-2", label("INV-2", 21)),
        total: {
          value: null, status: "needs_review", type: "number", claimed_by: "extraction:label", resolved_by: null,
          reason: { code: "gate_failed", summary: "held by gate sane_total", message: "sane_total/max: 12000 is above the maximum 10000" },
          meta: { ...label("12000.00", 51), verdicts: [{ gate: "sane_total", mode: "blocking", rule: "max", passed: false, phase_index: 3 }] },
        },
      },
    },
  },
  errors: [],
};

export const RERUN_EXAMPLE = { enqueued: 2, fromPhaseIndex: 3 };

export const CANCEL_EXAMPLE = { id: RUN_ID, status: "cancelled", cancelled_documents: 2 };
