import { CONTENT_FORMATS } from "../documents/render";
import * as v from "valibot";
import { named } from "../named-schema";
import { listPage } from "../http/list";
import { CellStatus, Timestamp } from "./schema-fields";
import { AGGREGATES } from "../documents/extractors/options";
import { FIELD_TYPES, PHASE_TYPES, TABLE_TYPE } from "../pipeline/types";

/**
 * Response schemas of runs: Sluice's own fields plus seed 001's execution and seed 004's run
 * fields. Handlers answer through `reply` with these, so they are what a client receives.
 */
const RunStatus = named("PipelineStatus", v.picklist(["running", "completed", "partial", "failed", "cancelled"]));
const DocumentStatus = named("DocumentStatus", v.picklist(["queued", "processing", "complete", "partial", "error", "cancelled"]));
const Json = v.record(v.string(), v.unknown());

const TokenUsage = {
  input_tokens: v.number(), output_tokens: v.number(), cached_input_tokens: v.number(), cache_write_tokens: v.number(),
};

/** seed 001's observability: the model and its usage summed over the execution's model calls. */
export const ObservabilitySchema = named("Observability", v.pipe(v.object({
  provider: v.pipe(v.nullable(v.string()), v.description("openai-compatible; null when no model was called")),
  model_id: v.nullable(v.string()),
  calls: v.pipe(v.number(), v.description("model calls made (cached answers are not calls)")),
  usage: v.object({ ...TokenUsage, total_cost: v.pipe(v.number(), v.description("in the currency of LLM_PRICE_*")) }),
}), v.description("model usage of llm extractors; null on executions still running or finished before it was recorded")));

/** An extraction step's model figures (the request and answer are in the phase output). */
export const StepLlmSchema = named("StepModelUsage", v.object({
  tool_name: v.literal("llm"),
  provider: v.string(),
  model: v.string(),
  cache_hit: v.boolean(),
  usage: v.object(TokenUsage),
  cost: v.number(),
  duration_ms: v.number(),
}));

export const ExecutionSchema = named("Execution", v.object({
  id: v.string(),
  pipeline_id: v.string(),
  parent_id: v.nullable(v.string()),
  root_id: v.string(),
  depth: v.number(),
  generation: v.number(),
  triggered_by: v.picklist(["api", "rerun", "schedule", "template"]),
  trigger_ref: v.pipe(v.nullable(v.string()), v.description("schedule id, or template_id@version")),
  from_phase_index: v.number(),
  status: RunStatus,
  error: v.nullable(v.object({ code: v.string(), message: v.string() })),
  outcome: v.nullable(v.object({ row_count: v.number(), summary: v.string() })),
  context: v.pipe(v.nullable(Json), v.description("caller JSON, at most 16 KB")),
  input_config: Json,
  started_at: Timestamp,
  completed_at: v.nullable(Timestamp),
  observability: v.nullable(ObservabilitySchema),
}));

export const StepSummarySchema = named("StepSummary", v.object({
  step_index: v.number(),
  step_type: v.picklist(PHASE_TYPES),
  status: v.picklist(["pending", "running", "completed", "partial", "failed", "cancelled", "skipped", "reused"]),
  lookup_key: v.nullable(v.string()),
  result_url: v.pipe(v.nullable(v.string()), v.description("/v1/pipelines/{id}/documents/{document_id}/content?format=…, or …/phases/{index}")),
  started_at: v.nullable(Timestamp),
  finished_at: v.nullable(Timestamp),
  error_message: v.nullable(v.string()),
  source_step_type: v.nullable(v.string()),
  checkpoint_id: v.pipe(v.nullable(v.string()), v.description("the stored output of the previous phase that a rerun from this step resumes from")),
  documents: v.object({ completed: v.number(), failed: v.number(), cancelled: v.number(), retrying: v.number() }),
}));

/** A run as lists show it. */
export const PipelineSummarySchema = named("PipelineSummary", v.object({
  id: v.string(),
  name: v.string(),
  status: RunStatus,
  preview: v.pipe(v.boolean(), v.description("only a sample of the documents was processed")),
  generation: v.pipe(v.number(), v.description("1, plus one per rerun")),
  template_id: v.nullable(v.string()),
  template_version: v.nullable(v.number()),
  webhook_url: v.nullable(v.string()),
  output_format: v.pipe(v.picklist(CONTENT_FORMATS), v.description("the format the transfer steps' result_url names")),
  parent_id: v.nullable(v.string()),
  root_id: v.string(),
  execution_id: v.nullable(v.string()),
  cancel_requested: v.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  finished_at: v.nullable(Timestamp),
  counts: v.pipe(
    v.object({ total: v.number(), pending: v.number(), complete: v.number(), partial: v.number(), error: v.number(), cancelled: v.number() }),
    v.description("documents by outcome; pending = not yet finished"),
  ),
}));

/** A run as created (202) and as every run read shows it: the summary plus seed 004's fields. */
export const RunSchema = named("Pipeline", v.object({
  ...PipelineSummarySchema.entries,
  pipeline_id: v.pipe(v.nullable(v.string()), v.description("the template the run follows; null for an inline definition")),
  pipeline_version: v.nullable(v.number()),
  steps: v.pipe(v.array(StepSummarySchema), v.description("one per phase, aggregated over the run's documents")),
  started_at: Timestamp,
  completed_at: v.nullable(Timestamp),
  created: Timestamp,
  config_snapshot: v.pipe(Json, v.description("the compiled definition the run is pinned to")),
  input_config: Json,
  rate_breakdown: v.object({ documents: v.number(), pages: v.number(), cells: v.number(), queue_messages: v.number() }),
  execution: v.nullable(ExecutionSchema),
}));

/** `GET /v1/pipelines/{id}`: the run plus documents per state, its configuration and usage. */
export const RunDetailSchema = named("PipelineDetail", v.object({
  ...RunSchema.entries,
  documents_by_state: v.record(DocumentStatus, v.number()),
  config: v.pipe(Json, v.description("the compiled definition: fields and phases with their indexes")),
  usage: v.object({ documents: v.number(), pages: v.number(), cells: v.number(), queue_messages: v.number() }),
  observability: v.pipe(ObservabilitySchema, v.description("model usage of the current execution so far")),
}));

export const RunListSchema = named("PipelinePage", listPage(PipelineSummarySchema));

/** One phase execution of one document (a row of GET …/steps). */
export const StepSchema = named("Step", v.object({
  id: v.pipe(v.string(), v.description("increasing; the list's cursor")),
  pipeline_id: v.string(),
  document_id: v.string(),
  execution_id: v.nullable(v.string()),
  phase_index: v.number(),
  phase_type: v.picklist(PHASE_TYPES),
  generation: v.number(),
  attempt: v.pipe(v.number(), v.description("0 for the first delivery, one more per retry")),
  status: v.picklist(["completed", "failed", "retrying", "cancelled"]),
  started_at: Timestamp,
  finished_at: Timestamp,
  duration_ms: v.number(),
  error: v.nullable(v.object({ code: v.string(), message: v.string() })),
  lookup_key: v.pipe(v.nullable(v.string()), v.description("transfer: the parse cache key")),
  cache_hit: v.pipe(v.nullable(v.boolean()), v.description("transfer: whether a stored parse was reused")),
  notes: v.nullable(v.array(v.object({ code: v.string(), message: v.string() }))),
  llm: v.pipe(v.nullable(StepLlmSchema), v.description("extraction: the model calls of llm extractors")),
  result_url: v.pipe(v.nullable(v.string()), v.description("a completed transfer's parse: GET …/documents/{document_id}/content")),
}));

export const StepListSchema = named("StepPage", listPage(StepSchema));

export const TreeSchema = named("PipelineTree", v.object({
  root_id: v.string(),
  items: v.array(v.object({ id: v.string(), name: v.string(), status: RunStatus, parent_id: v.nullable(v.string()), created_at: Timestamp })),
  execution_root_id: v.string(),
  executions: v.array(ExecutionSchema),
}));

export const RerunSchema = named("Rerun", v.object({
  enqueued: v.pipe(v.number(), v.description("documents queued again")),
  fromPhaseIndex: v.pipe(v.number(), v.description("the index of the first phase that runs again")),
}));

export const CancelSchema = named("CancelResult", v.object({
  id: v.string(),
  status: RunStatus,
  cancelled_documents: v.pipe(v.number(), v.description("documents stopped by this request")),
}));

const Reason = named("Reason", v.object({ code: v.string(), summary: v.string(), message: v.string() }));

/** A field's value on a record, pipe0's cell. */
export const CellSchema = named("Cell", v.object({
  value: v.pipe(
    v.unknown(),
    v.description("the value once `completed` (a table field: its items, each a cell per column); null while withheld or absent"),
  ),
  status: CellStatus,
  type: v.pipe(v.picklist([...FIELD_TYPES, TABLE_TYPE, "unknown"]), v.description("`unknown`: no phase provided a value and none will")),
  reason: v.pipe(v.nullable(Reason), v.description("present exactly for failed, no_result and needs_review")),
  claimed_by: v.pipe(v.nullable(v.string()), v.description("what is meant to provide the value, e.g. extraction:label")),
  resolved_by: v.pipe(v.nullable(v.string()), v.description("what provided it: extraction:<extractor>, derived, input or review")),
  meta: v.pipe(Json, v.description("candidates, provenance, confidence, gate verdicts…")),
}));

const FieldDefinition = named("FieldDefinition", v.object({
  name: v.string(),
  type: v.picklist([...FIELD_TYPES, TABLE_TYPE]),
  required: v.boolean(),
  description: v.nullable(v.string()),
  claimed_by: v.nullable(v.string()),
  ui: v.pipe(Json, v.description("display hints: format, and pattern, currency, decimals or options by type")),
  columns: v.optional(v.array(v.object({ name: v.string(), type: v.picklist(FIELD_TYPES), required: v.boolean() }))),
  aggregate: v.optional(v.picklist(AGGREGATES)),
  list: v.pipe(v.optional(v.boolean()), v.description("the value is an array of values of the field's type")),
}));

const RecordSchema = named("Record", v.object({
  id: v.pipe(v.string(), v.description("the caller's document id when given, else the document's UUID")),
  document_id: v.string(),
  external_id: v.nullable(v.string()),
  filename: v.nullable(v.string()),
  status: DocumentStatus,
  fields: v.pipe(v.record(v.string(), CellSchema), v.description("every field of the definition, by name")),
  parent_document_id: v.optional(v.pipe(v.string(), v.description("a child document's parent: the mail it was attached to, the stacked file it was split from"))),
  attachment: v.optional(v.object({ filename: v.nullable(v.string()), mime_type: v.nullable(v.string()), index: v.number() })),
  part: v.optional(v.pipe(v.object({
    index: v.number(), type: v.nullable(v.string()), pages: v.tuple([v.number(), v.number()]), identifier: v.nullable(v.string()),
    split_reason: v.picklist(["first_page", "identifier", "page_counter", "blank_page", "when"]),
  }), v.description("a part of a split file: its type, first and last source page (zero-based), identifier and the rule that started it"))),
  children: v.optional(v.pipe(v.array(v.string()), v.description("the document ids of this document's attachments"))),
}));

const SplitDocumentSchema = named("SplitDocument", v.object({
  document_id: v.string(),
  external_id: v.nullable(v.string()),
  filename: v.nullable(v.string()),
  status: DocumentStatus,
  children: v.pipe(v.array(v.string()), v.description("the record ids of its parts, in page order")),
}));

/** pipe0's records object (GET …/records, and the answer of POST /v1/pipelines/sync). */
export const RecordsSchema = named("Records", v.object({
  id: v.string(),
  status: RunStatus,
  order: v.pipe(v.array(v.string()), v.description("record ids in document order")),
  field_definitions: v.record(v.string(), FieldDefinition),
  field_list: v.pipe(v.array(FieldDefinition), v.description("field_definitions in definition order")),
  records: v.record(v.string(), RecordSchema),
  split_documents: v.optional(v.pipe(
    v.array(SplitDocumentSchema),
    v.description("present when the run split documents into parts: those documents have no record of their own, their parts are the records"),
  )),
  errors: v.pipe(
    v.array(v.object({
      record_id: v.string(),
      document_id: v.string(),
      code: v.string(),
      message: v.string(),
      phase_index: v.optional(v.number()),
      attempts: v.optional(v.number()),
    })),
    v.description("one per document that ended in error"),
  ),
}));
