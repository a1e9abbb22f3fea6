import type { ColumnType, Generated, Kysely } from "kysely";

/** Kysely's view of schema.sql; keep the two in step. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface SchemaMigrationsTable {
  version: number;
  checksum: string;
  applied_at: Generated<Date>;
}

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  created_at: Generated<Date>;
  webhook_secret: string | null;
}

export interface ApiKeysTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  created_at: Generated<Date>;
  revoked_at: Timestamp | null;
}

export interface IdempotencyKeysTable {
  organization_id: string;
  key: string;
  request_hash: string;
  response_status: number | null;
  response_body: Json | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export type PipelineStatus = "running" | "completed" | "partial" | "failed" | "cancelled";
export type DocumentStatus = "queued" | "processing" | "complete" | "partial" | "error" | "cancelled";

export interface PipelinesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  status: ColumnType<PipelineStatus, PipelineStatus | undefined, PipelineStatus>;
  config: Json;
  unique_fields: ColumnType<string[], string[] | undefined, string[]>;
  template_id: string | null;
  template_version: number | null;
  preview: ColumnType<boolean, boolean | undefined, boolean>;
  parent_id: string | null;
  root_id: string;
  generation: ColumnType<number, number | undefined, number>;
  document_count: number;
  last_ordinal: number | null;
  pending_count: number;
  complete_count: Generated<number>;
  partial_count: Generated<number>;
  error_count: Generated<number>;
  cancelled_count: Generated<number>;
  cancel_requested: Generated<boolean>;
  queue_messages: ColumnType<number, number | undefined, number>;
  options: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: Timestamp | null;
  webhook_url: string | null;
  published_generation: Generated<number>;
  published_at: Timestamp | null;
  /** The execution now running or last run (changes with every rerun). */
  execution_id: string | null;
}

export type TriggeredBy = "api" | "rerun" | "schedule" | "template";

export interface ExecutionsTable {
  id: string;
  organization_id: string;
  pipeline_id: string;
  parent_id: string | null;
  root_id: string;
  depth: number;
  generation: number;
  triggered_by: TriggeredBy;
  trigger_ref: string | null;
  from_phase_index: ColumnType<number, number | undefined, number>;
  status: ColumnType<PipelineStatus, PipelineStatus | undefined, PipelineStatus>;
  error: Json | null;
  outcome: Json | null;
  context: Json | null;
  input_config: Json;
  started_at: Generated<Date>;
  completed_at: Timestamp | null;
  /** Model usage summed by the statement that finished the execution (see llm-answers.ts). */
  observability: Json | null;
}

export interface EvaluationsTable {
  id: Generated<string>;
  organization_id: string;
  pipeline_id: string;
  execution_id: string;
  template_id: string | null;
  template_version: number | null;
  result: Json;
  created_at: Generated<Date>;
}

export interface DocumentsTable {
  id: Generated<string>;
  pipeline_id: string;
  organization_id: string;
  ordinal: number;
  external_id: string | null;
  filename: string | null;
  mime_type: string | null;
  source: Json;
  status: ColumnType<DocumentStatus, DocumentStatus | undefined, DocumentStatus>;
  phase_index: ColumnType<number, number | undefined, number>;
  generation: ColumnType<number, number | undefined, number>;
  cells: Json;
  parsed: Json | null;
  page_count: number | null;
  error: Json | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  swept_at: Timestamp | null;
  cache_key: string | null;
  /** Expected values by field name, for evaluations. */
  expected: Json | null;
  phase_starts: ColumnType<number, number | undefined, number>;
  /** Child documents (see schema.sql): the parent, the child's name under it, its nesting depth. */
  parent_document_id: string | null;
  child_key: string | null;
  depth: ColumnType<number, number | undefined, number>;
  attachment: Json | null;
  part: Json | null;
  split_count: number | null;
  content_hash: string | null;
}

export interface DocumentPhasesTable {
  document_id: string;
  phase_index: number;
  generation: number;
  cells: Json;
  created_at: Generated<Date>;
}

export interface DocumentVersionsTable {
  pipeline_id: string;
  generation: number;
  ordinal: number;
  document_id: string;
  external_id: string | null;
  status: "complete" | "partial" | "error" | "cancelled";
  cells: Json;
  created_at: Generated<Date>;
}

export interface StepsTable {
  id: Generated<string>;
  pipeline_id: string;
  document_id: string;
  phase_index: number;
  phase_type: string;
  generation: number;
  attempt: number;
  status: "completed" | "failed" | "retrying" | "cancelled";
  started_at: Timestamp;
  finished_at: Timestamp;
  duration_ms: number;
  error: Json | null;
  lookup_key: string | null;
  cache_hit: boolean | null;
  execution_id: string | null;
  /** What the step says beyond its status, e.g. `text_replaced`. */
  notes: Json | null;
  /** An extraction step's model calls: tool_name, model, usage, cost, cache_hit, calls with request and answer. */
  llm: Json | null;
}

export interface PipelineEventsTable {
  id: Generated<string>;
  pipeline_id: string;
  type: string;
  data: Json;
  created_at: Generated<Date>;
}

export interface DataProductsTable {
  id: Generated<string>;
  organization_id: string;
  pipeline_id: string;
  name: string;
  status: ColumnType<"active" | "archived", "active" | "archived" | undefined, "active" | "archived">;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ShareTokensTable {
  id: Generated<string>;
  organization_id: string;
  data_product_id: string;
  token_hash: string;
  prefix: string;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: Generated<Date>;
  kind: ColumnType<"automatic" | "manual", "automatic" | "manual" | undefined, "automatic" | "manual">;
  last_used_at: Timestamp | null;
}

export interface ReviewItemsTable {
  id: Generated<string>;
  organization_id: string;
  pipeline_id: string;
  document_id: string;
  field: string;
  gate: string;
  phase_index: number;
  reason: Json;
  candidate: Json | null;
  item_index: ColumnType<number | null, number | null | undefined, number | null>;
  item_column: ColumnType<string | null, string | null | undefined, string | null>;
  status: ColumnType<"open" | "decided", "open" | "decided" | undefined, "open" | "decided">;
  created_at: Generated<Date>;
  decided_at: Timestamp | null;
}

export type Decision = "approve" | "override" | "reject" | "confirm_absent";

export interface ReviewDecisionsTable {
  id: Generated<string>;
  organization_id: string;
  pipeline_id: string;
  document_id: string;
  review_item_id: string;
  field: string;
  gate: string;
  decision: Decision;
  item_index: ColumnType<number | null, number | null | undefined, number | null>;
  item_column: ColumnType<string | null, string | null | undefined, string | null>;
  item_text: ColumnType<string | null, string | null | undefined, string | null>;
  value: Json | null;
  comment: string | null;
  decided_by: string;
  decided_at: Generated<Date>;
}

export interface SchedulesTable {
  id: Generated<string>;
  organization_id: string;
  pipeline_id: string;
  cron: string;
  timezone: string;
  from_phase: string;
  next_run_at: Date | null;
  created_by: string;
  created_at: Generated<Date>;
  deleted_at: Date | null;
}

export type TickOutcome = "fired" | "skipped" | "failed";

export interface ScheduleTicksTable {
  id: Generated<string>;
  schedule_id: string;
  due_at: Date;
  outcome: TickOutcome;
  detail: string | null;
  created_at: Generated<Date>;
}

export interface TemplatesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  description: string | null;
  draft: Json;
  evaluation_set: Json | null;
  latest_version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TemplateVersionsTable {
  template_id: string;
  version: number;
  name: string;
  description: string | null;
  definition: Json;
  /** Null only for versions published before snapshots were kept. */
  compiled: Json | null;
  published_by: string;
  published_at: Generated<Date>;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  pipeline_id: string;
  generation: number;
  attempt: number;
  url: string;
  status_code: number | null;
  outcome: "delivered" | "retrying" | "failed";
  error: string | null;
  event: Generated<string>;
  created_at: Generated<Date>;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  organization_id: string;
  url: string;
  description: string | null;
  events: string[];
  secret: string;
  status: Generated<"enabled" | "disabled">;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EventsTable {
  seq: Generated<string>;
  id: string;
  organization_id: string;
  type: string;
  data: Json;
  created_at: Generated<Date>;
}

export interface EndpointDeliveriesTable {
  id: Generated<string>;
  endpoint_id: string;
  event_id: string;
  attempt: number;
  status_code: number | null;
  outcome: "delivered" | "retrying" | "failed";
  error: string | null;
  created_at: Generated<Date>;
}

export interface ReviewSessionsTable {
  id: Generated<string>;
  organization_id: string;
  api_key_id: string;
  token_hash: string;
  expires_at: Date;
  revoked_at: Date | null;
  created_at: Generated<Date>;
}

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  organizations: OrganizationsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  pipelines: PipelinesTable;
  executions: ExecutionsTable;
  evaluations: EvaluationsTable;
  documents: DocumentsTable;
  document_phases: DocumentPhasesTable;
  document_versions: DocumentVersionsTable;
  steps: StepsTable;
  pipeline_events: PipelineEventsTable;
  data_products: DataProductsTable;
  share_tokens: ShareTokensTable;
  review_items: ReviewItemsTable;
  review_decisions: ReviewDecisionsTable;
  schedules: SchedulesTable;
  schedule_ticks: ScheduleTicksTable;
  templates: TemplatesTable;
  template_versions: TemplateVersionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_endpoints: WebhookEndpointsTable;
  events: EventsTable;
  endpoint_deliveries: EndpointDeliveriesTable;
  review_sessions: ReviewSessionsTable;
}

export type Db = Kysely<Database>;
