import * as v from "valibot";

/** Response schemas of runs (for /openapi.json): Sluice's own fields plus seed 001's execution and seed 004's run fields. */
const Timestamp = v.pipe(v.string(), v.isoTimestamp());
const Status = v.picklist(["running", "completed", "partial", "failed", "cancelled"]);

export const ExecutionSchema = v.object({
  id: v.string(),
  pipeline_id: v.string(),
  parent_id: v.nullable(v.string()),
  root_id: v.string(),
  depth: v.number(),
  generation: v.number(),
  triggered_by: v.picklist(["api", "rerun", "schedule", "template"]),
  trigger_ref: v.pipe(v.nullable(v.string()), v.description("schedule id, or template_id@version")),
  from_phase_index: v.number(),
  status: Status,
  error: v.nullable(v.object({ code: v.string(), message: v.string() })),
  outcome: v.nullable(v.object({ row_count: v.number(), summary: v.string() })),
  context: v.pipe(v.nullable(v.record(v.string(), v.unknown())), v.description("caller JSON, at most 16 KB")),
  input_config: v.record(v.string(), v.unknown()),
  started_at: Timestamp,
  completed_at: v.nullable(Timestamp),
});

export const StepSummarySchema = v.object({
  step_index: v.number(),
  step_type: v.picklist(["transfer", "extraction", "resolution", "validation"]),
  status: v.picklist(["pending", "running", "completed", "partial", "failed", "cancelled", "skipped", "reused"]),
  lookup_key: v.nullable(v.string()),
  result_url: v.pipe(v.nullable(v.string()), v.description("/v1/pipelines/{id}/documents/{document_id}/content?format=…")),
  started_at: v.nullable(Timestamp),
  finished_at: v.nullable(Timestamp),
  error_message: v.nullable(v.string()),
  source_step_type: v.nullable(v.string()),
  checkpoint_id: v.pipe(v.nullable(v.string()), v.description("the stored output of the previous phase that a rerun from this step resumes from")),
  documents: v.object({ completed: v.number(), failed: v.number(), cancelled: v.number(), retrying: v.number() }),
});

export const RunSchema = v.object({
  id: v.string(),
  name: v.string(),
  status: Status,
  generation: v.number(),
  template_id: v.nullable(v.string()),
  template_version: v.nullable(v.number()),
  parent_id: v.nullable(v.string()),
  root_id: v.string(),
  counts: v.record(v.string(), v.number()),
  created_at: Timestamp,
  finished_at: v.nullable(Timestamp),
  execution_id: v.string(),
  pipeline_id: v.pipe(v.nullable(v.string()), v.description("seed 004: the template the run follows")),
  pipeline_version: v.nullable(v.number()),
  steps: v.array(StepSummarySchema),
  started_at: Timestamp,
  completed_at: v.nullable(Timestamp),
  created: Timestamp,
  config_snapshot: v.record(v.string(), v.unknown()),
  input_config: v.record(v.string(), v.unknown()),
  rate_breakdown: v.object({ documents: v.number(), pages: v.number(), cells: v.number(), queue_messages: v.number() }),
  execution: v.nullable(ExecutionSchema),
});

export const TreeSchema = v.object({
  root_id: v.string(),
  items: v.array(v.object({ id: v.string(), name: v.string(), status: Status, parent_id: v.nullable(v.string()), created_at: Timestamp })),
  execution_root_id: v.string(),
  executions: v.array(ExecutionSchema),
});
