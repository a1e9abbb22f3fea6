-- Sluice schema: the single source. Every statement is idempotent; `npm run migrate`
-- (and the Node entry at start) applies the file and records its version and checksum.
-- schema-version: 2

CREATE TABLE IF NOT EXISTS schema_migrations (
  version     integer     NOT NULL,
  checksum    text        NOT NULL PRIMARY KEY,
  applied_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS organizations (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Keys are stored as SHA-256 of the full secret (they carry 256 bits of randomness, so a
-- fast hash is enough); `prefix` is the short part shown in listings.
CREATE TABLE IF NOT EXISTS api_keys (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  name             text        NOT NULL,
  prefix           text        NOT NULL,
  key_hash         text        NOT NULL UNIQUE,
  scopes           text[]      NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  revoked_at       timestamptz
);
CREATE INDEX IF NOT EXISTS api_keys_org ON api_keys (organization_id, created_at);

-- One row per (organization, Idempotency-Key): the first response is replayed for 24 h.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  key              text        NOT NULL,
  request_hash     text        NOT NULL,
  response_status  integer,
  response_body    jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (organization_id, key)
);

-- One run of a definition over a set of documents. `config` is the compiled, immutable phase
-- snapshot; the counters let the last document to finish close the run in the same statement.
CREATE TABLE IF NOT EXISTS pipelines (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  name             text        NOT NULL,
  status           text        NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'completed', 'partial', 'failed', 'cancelled')),
  config           jsonb       NOT NULL,
  unique_fields    text[]      NOT NULL DEFAULT '{}',
  template_id      uuid,
  template_version integer,
  preview          boolean     NOT NULL DEFAULT false,
  parent_id        uuid        REFERENCES pipelines(id),
  root_id          uuid        NOT NULL,
  generation       integer     NOT NULL DEFAULT 1,
  document_count   integer     NOT NULL,
  pending_count    integer     NOT NULL,
  complete_count   integer     NOT NULL DEFAULT 0,
  partial_count    integer     NOT NULL DEFAULT 0,
  error_count      integer     NOT NULL DEFAULT 0,
  cancelled_count  integer     NOT NULL DEFAULT 0,
  cancel_requested boolean     NOT NULL DEFAULT false,
  queue_messages   integer     NOT NULL DEFAULT 0,
  options          jsonb       NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX IF NOT EXISTS pipelines_org ON pipelines (organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS pipelines_parent ON pipelines (parent_id) WHERE parent_id IS NOT NULL;
-- What readers of the run's data product see: the last finished generation (0: none yet) and when it
-- last changed (the switch at a finish, or a review decision on it). See document_versions.
ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS published_generation integer NOT NULL DEFAULT 0;
ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS published_at timestamptz;

-- One input of a run. (phase_index, generation) is what the next delivery must match;
-- `cells` is the output of the last phase that ran, `parsed` what transfer produced.
CREATE TABLE IF NOT EXISTS documents (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  pipeline_id      uuid        NOT NULL REFERENCES pipelines(id),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  ordinal          integer     NOT NULL,
  external_id      text,
  filename         text,
  mime_type        text,
  source           jsonb       NOT NULL,
  status           text        NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'processing', 'complete', 'partial', 'error', 'cancelled')),
  phase_index      integer     NOT NULL DEFAULT 0,
  generation       integer     NOT NULL DEFAULT 1,
  cells            jsonb       NOT NULL,
  parsed           jsonb,
  page_count       integer,
  error            jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  swept_at         timestamptz,
  UNIQUE (pipeline_id, ordinal)
);
-- The sweep's in-flight index keys on a column no phase commit changes: with `updated_at` in it,
-- every commit was a non-HOT update (new index entries in every index). In-flight rows are few.
DROP INDEX IF EXISTS documents_in_flight;
CREATE INDEX IF NOT EXISTS documents_in_flight_by_run ON documents (pipeline_id) WHERE status IN ('queued', 'processing');
-- Room on each page for the new row version, so a commit stays a heap-only (HOT) update.
ALTER TABLE documents SET (fillfactor = 80);

-- The cells each phase produced, kept so a rerun from phase k reuses phases < k byte for byte.
CREATE TABLE IF NOT EXISTS document_phases (
  document_id  uuid        NOT NULL REFERENCES documents(id),
  phase_index  integer     NOT NULL,
  generation   integer     NOT NULL,
  cells        jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, phase_index)
);

-- Each document's terminal row per generation, written by the commit that ends it. Data products
-- read the rows of pipelines.published_generation, which the run's finishing commit switches in
-- the same statement, so readers never see a half-rerun table. Kept: the published generation,
-- the one before it (a reader that started earlier finishes on it) and the one in progress.
CREATE TABLE IF NOT EXISTS document_versions (
  pipeline_id  uuid        NOT NULL REFERENCES pipelines(id),
  generation   integer     NOT NULL,
  ordinal      integer     NOT NULL,
  document_id  uuid        NOT NULL REFERENCES documents(id),
  external_id  text,
  status       text        NOT NULL CHECK (status IN ('complete', 'partial', 'error', 'cancelled')),
  cells        jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline_id, generation, ordinal)
);
-- Databases from before versions: finished documents become their generation's rows, finished runs publish it.
INSERT INTO document_versions (pipeline_id, generation, ordinal, document_id, external_id, status, cells)
SELECT pipeline_id, generation, ordinal, id, external_id, status, cells FROM documents
WHERE status IN ('complete', 'partial', 'error', 'cancelled')
ON CONFLICT DO NOTHING;
UPDATE pipelines SET published_generation = generation, published_at = coalesce(finished_at, updated_at)
WHERE published_generation = 0 AND status <> 'running';

-- One execution of one phase for one document.
CREATE TABLE IF NOT EXISTS steps (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pipeline_id      uuid        NOT NULL REFERENCES pipelines(id),
  document_id      uuid        NOT NULL REFERENCES documents(id),
  phase_index      integer     NOT NULL,
  phase_type       text        NOT NULL,
  generation       integer     NOT NULL,
  attempt          integer     NOT NULL,
  status           text        NOT NULL CHECK (status IN ('completed', 'failed', 'retrying', 'cancelled')),
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz NOT NULL,
  duration_ms      integer     NOT NULL,
  error            jsonb,
  lookup_key       text,
  cache_hit        boolean
);
CREATE INDEX IF NOT EXISTS steps_pipeline ON steps (pipeline_id, id);
-- What a step says beyond its status (e.g. characters of the document replaced to be storable).
ALTER TABLE steps ADD COLUMN IF NOT EXISTS notes jsonb;

-- State changes, in order; the id is the SSE event id a client resumes from.
CREATE TABLE IF NOT EXISTS pipeline_events (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pipeline_id  uuid        NOT NULL REFERENCES pipelines(id),
  type         text        NOT NULL,
  data         jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS pipeline_events_pipeline ON pipeline_events (pipeline_id, id);

-- The read surface of one run (one-to-one); archiving stops every share link.
CREATE TABLE IF NOT EXISTS data_products (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  pipeline_id      uuid        NOT NULL UNIQUE REFERENCES pipelines(id),
  name             text        NOT NULL,
  status           text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS data_products_org ON data_products (organization_id, created_at DESC);

-- Public read-only links. Only the SHA-256 of the token is stored, so a leaked table gives
-- no usable link; `prefix` identifies a token in listings.
CREATE TABLE IF NOT EXISTS share_tokens (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  data_product_id  uuid        NOT NULL REFERENCES data_products(id),
  token_hash       text        NOT NULL UNIQUE,
  prefix           text        NOT NULL,
  expires_at       timestamptz,
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS share_tokens_product ON share_tokens (data_product_id, created_at);
-- `automatic`: minted by POST …/data-product (a later call replaces one nobody ever used); `manual`:
-- POST …/share-tokens. `last_used_at` is touched at most once a minute by public reads.
ALTER TABLE share_tokens ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'manual';
ALTER TABLE share_tokens ADD COLUMN IF NOT EXISTS last_used_at timestamptz;
-- Archiving revoked links before this existed only by the product's status; revoke them for good.
UPDATE share_tokens t SET revoked_at = dp.updated_at FROM data_products dp
WHERE dp.id = t.data_product_id AND dp.status = 'archived' AND t.revoked_at IS NULL;

-- A cell parked by a blocking gate; rebuilt from stored verdicts whenever the data product is created.
CREATE TABLE IF NOT EXISTS review_items (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  pipeline_id      uuid        NOT NULL REFERENCES pipelines(id),
  document_id      uuid        NOT NULL REFERENCES documents(id),
  field            text        NOT NULL,
  gate             text        NOT NULL,
  phase_index      integer     NOT NULL,
  reason           jsonb       NOT NULL,
  candidate        jsonb,
  status           text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  decided_at       timestamptz,
  UNIQUE (document_id, field, gate)
);
-- Queue order is (created_at, id): with `id` in the index a page of the listing (and the console's next
-- item) is read in order and stops at its limit. Without it Postgres joined every item with its
-- document and sorted them all (EXPLAIN ANALYZE, 10,000 items over 100,000 documents: 905 ms → 86 ms at offset 1,000).
DROP INDEX IF EXISTS review_items_pipeline;
CREATE INDEX IF NOT EXISTS review_items_queue ON review_items (pipeline_id, status, created_at, id);
CREATE INDEX IF NOT EXISTS review_items_listing ON review_items (pipeline_id, created_at, id);
-- A line item's cell is reviewed on its own: the item's index and column name it (null for a whole field).
ALTER TABLE review_items ADD COLUMN IF NOT EXISTS item_index integer;
ALTER TABLE review_items ADD COLUMN IF NOT EXISTS item_column text;
ALTER TABLE review_items DROP CONSTRAINT IF EXISTS review_items_document_id_field_gate_key;
CREATE UNIQUE INDEX IF NOT EXISTS review_items_cell
  ON review_items (document_id, field, gate, coalesce(item_index, -1), coalesce(item_column, ''));

-- Every reviewer decision, kept across reruns: one per (document, field, gate).
CREATE TABLE IF NOT EXISTS review_decisions (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  pipeline_id      uuid        NOT NULL REFERENCES pipelines(id),
  document_id      uuid        NOT NULL REFERENCES documents(id),
  review_item_id   uuid        NOT NULL REFERENCES review_items(id),
  field            text        NOT NULL,
  gate             text        NOT NULL,
  decision         text        NOT NULL CHECK (decision IN ('approve', 'override', 'reject')),
  value            jsonb,
  comment          text,
  decided_by       uuid        NOT NULL REFERENCES api_keys(id),
  decided_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (document_id, field, gate)
);
CREATE INDEX IF NOT EXISTS review_decisions_pipeline ON review_decisions (pipeline_id, id);
-- The review listing joins each item's decision by item (a seq scan of every decision per page before).
CREATE INDEX IF NOT EXISTS review_decisions_item ON review_decisions (review_item_id);
-- A decision on an item cell follows the item while it keeps its index and its source text (item_text).
-- confirm_absent: the reviewer found the value is not in the document (the cell becomes no_result).
ALTER TABLE review_decisions DROP CONSTRAINT IF EXISTS review_decisions_decision_check;
ALTER TABLE review_decisions ADD CONSTRAINT review_decisions_decision_check
  CHECK (decision IN ('approve', 'override', 'reject', 'confirm_absent'));
ALTER TABLE review_decisions ADD COLUMN IF NOT EXISTS item_index integer;
ALTER TABLE review_decisions ADD COLUMN IF NOT EXISTS item_column text;
ALTER TABLE review_decisions ADD COLUMN IF NOT EXISTS item_text text;
ALTER TABLE review_decisions DROP CONSTRAINT IF EXISTS review_decisions_document_id_field_gate_key;
CREATE UNIQUE INDEX IF NOT EXISTS review_decisions_cell
  ON review_decisions (document_id, field, gate, coalesce(item_index, -1), coalesce(item_column, ''));

-- Review console sessions: an API key with `write` scope exchanged for a signed cookie. Only the
-- token's hash is kept; sign-out (or the key's revocation) ends the session at its next request.
CREATE TABLE IF NOT EXISTS review_sessions (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  api_key_id       uuid        NOT NULL REFERENCES api_keys(id),
  token_hash       text        NOT NULL UNIQUE,
  expires_at       timestamptz NOT NULL,
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Cron reruns of a pipeline. A tick claims a schedule by moving next_run_at forward with a
-- compare-and-set, so overlapping scheduler invocations never fire the same due time twice.
CREATE TABLE IF NOT EXISTS schedules (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  pipeline_id      uuid        NOT NULL REFERENCES pipelines(id),
  cron             text        NOT NULL,
  timezone         text        NOT NULL DEFAULT 'UTC',
  from_phase       text        NOT NULL CHECK (from_phase IN ('transfer', 'extraction', 'resolution', 'validation')),
  next_run_at      timestamptz,
  created_by       uuid        NOT NULL REFERENCES api_keys(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz
);
CREATE INDEX IF NOT EXISTS schedules_due ON schedules (next_run_at) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS schedules_org ON schedules (organization_id, created_at);

CREATE TABLE IF NOT EXISTS schedule_ticks (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  schedule_id  uuid        NOT NULL REFERENCES schedules(id),
  due_at       timestamptz NOT NULL,
  outcome      text        NOT NULL CHECK (outcome IN ('fired', 'skipped', 'failed')),
  detail       text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (schedule_id, due_at)
);

-- The parse cache: a document whose content (and parse options) match an earlier document of
-- the organization reuses that document's stored parse instead of parsing again.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS cache_key text;
CREATE INDEX IF NOT EXISTS documents_parse_cache ON documents (organization_id, cache_key) WHERE parsed IS NOT NULL;
-- Deliveries of the current phase that started and did not finish (counted before the phase runs,
-- cleared when it commits or fails cleanly): a phase that keeps killing its process is retired.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS phase_starts integer NOT NULL DEFAULT 0;

-- Templates: a reusable definition. The draft is edited in place; publishing freezes it as the
-- next immutable version, which runs pin by (template_id, template_version).
CREATE TABLE IF NOT EXISTS templates (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  name             text        NOT NULL,
  description      text,
  draft            jsonb       NOT NULL,
  latest_version   integer     NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS templates_org ON templates (organization_id, created_at);

CREATE TABLE IF NOT EXISTS template_versions (
  template_id   uuid        NOT NULL REFERENCES templates(id),
  version       integer     NOT NULL CHECK (version > 0),
  name          text        NOT NULL,
  description   text,
  definition    jsonb       NOT NULL,
  published_by  uuid        NOT NULL REFERENCES api_keys(id),
  published_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (template_id, version)
);
-- The compiled snapshot a version runs, so a published version behaves the same however the compiler evolves.
ALTER TABLE template_versions ADD COLUMN IF NOT EXISTS compiled jsonb;

-- Completion webhooks: the target on the run, one signing secret per organization, every attempt kept.
ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS webhook_url text;
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS webhook_secret text;
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pipeline_id  uuid        NOT NULL REFERENCES pipelines(id),
  generation   integer     NOT NULL,
  attempt      integer     NOT NULL,
  url          text        NOT NULL,
  status_code  integer,
  outcome      text        NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_pipeline ON webhook_deliveries (pipeline_id, id);
-- Which event an attempt delivered: the run's finish, or a review event (issue 17).
ALTER TABLE webhook_deliveries ADD COLUMN IF NOT EXISTS event text NOT NULL DEFAULT 'pipeline.finished';
-- The sweep looks for recently finished runs whose webhook message was lost.
CREATE INDEX IF NOT EXISTS pipelines_webhook_finished ON pipelines (finished_at) WHERE webhook_url IS NOT NULL;

-- Executions: every pass over a run's documents (the first run, each rerun, each scheduled rerun),
-- with lineage. A rerun is a child of the execution it reruns; the run keeps its id throughout.
CREATE TABLE IF NOT EXISTS executions (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  pipeline_id      uuid        NOT NULL REFERENCES pipelines(id),
  parent_id        uuid        REFERENCES executions(id),
  root_id          uuid        NOT NULL,
  depth            integer     NOT NULL DEFAULT 0,
  generation       integer     NOT NULL,
  triggered_by     text        NOT NULL CHECK (triggered_by IN ('api', 'rerun', 'schedule', 'template')),
  trigger_ref      text,
  from_phase_index integer     NOT NULL DEFAULT 0,
  status           text        NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'completed', 'partial', 'failed', 'cancelled')),
  error            jsonb,
  outcome          jsonb,
  context          jsonb,
  input_config     jsonb       NOT NULL DEFAULT '{}',
  started_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  UNIQUE (pipeline_id, generation)
);
CREATE INDEX IF NOT EXISTS executions_root ON executions (root_id, started_at);
ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS execution_id uuid;
ALTER TABLE steps ADD COLUMN IF NOT EXISTS execution_id uuid;
-- Runs stored before executions existed get one root execution for their current generation.
INSERT INTO executions (organization_id, pipeline_id, root_id, generation, triggered_by, trigger_ref, status, started_at, completed_at)
SELECT p.organization_id, p.id, p.id, p.generation, CASE WHEN p.template_id IS NULL THEN 'api' ELSE 'template' END,
       CASE WHEN p.template_id IS NULL THEN NULL ELSE p.template_id || '@' || p.template_version END,
       p.status, p.created_at, p.finished_at
FROM pipelines p WHERE p.execution_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.pipeline_id = p.id);
UPDATE executions SET root_id = id WHERE root_id = pipeline_id AND parent_id IS NULL AND depth = 0 AND root_id <> id;
UPDATE pipelines p SET execution_id = e.id FROM executions e
WHERE p.execution_id IS NULL AND e.pipeline_id = p.id AND e.generation = p.generation;

-- Evaluations: expected values travel with a run's documents; a template keeps an evaluation set.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS expected jsonb;
ALTER TABLE templates ADD COLUMN IF NOT EXISTS evaluation_set jsonb;
CREATE TABLE IF NOT EXISTS evaluations (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  pipeline_id      uuid        NOT NULL REFERENCES pipelines(id),
  execution_id     uuid        NOT NULL REFERENCES executions(id),
  template_id      uuid,
  template_version integer,
  result           jsonb       NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (execution_id)
);
CREATE INDEX IF NOT EXISTS evaluations_pipeline ON evaluations (pipeline_id, created_at DESC);
CREATE INDEX IF NOT EXISTS evaluations_template ON evaluations (template_id, created_at DESC) WHERE template_id IS NOT NULL;

-- Child documents: each attachment of a parsed document and each part of a split stacked file is a
-- document of the same run, made by its parent's transfer commit. (parent, child_key) names a child
-- across reruns (`attachment:<index>`, `part:<index>`), so a re-split updates it in place and the
-- decisions on it survive while its content hash stays. A child is current while its generation is
-- the run's; one its parent's last transfer no longer made keeps an older generation and is hidden.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS parent_document_id uuid REFERENCES documents(id);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS child_key text;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS depth integer NOT NULL DEFAULT 0;
-- `{filename, mime_type, index}` for an attachment; `{type, pages, identifier, split_reason}` for a part.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS attachment jsonb;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS part jsonb;
-- A split parent: how many parts it was cut into. It is no row of the data product; its parts are.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS split_count integer;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS content_hash text;
CREATE UNIQUE INDEX IF NOT EXISTS documents_child_key ON documents (parent_document_id, child_key) WHERE parent_document_id IS NOT NULL;
-- Children take ordinals after the run's inputs, from this counter (the run row's lock serialises it).
ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS last_ordinal integer;
-- Model answers of `llm` extractors, reused by (content hash, pages sent, fields and instructions, model):
-- a rerun or a duplicate document costs nothing. The answer text only; never the key or the request.
CREATE TABLE IF NOT EXISTS llm_answers (
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  key              text        NOT NULL,
  model            text        NOT NULL,
  content          text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, key)
);
-- seed 001's observability of an execution: model usage and cost summed when it finishes.
ALTER TABLE executions ADD COLUMN IF NOT EXISTS observability jsonb;
-- An extraction step's model calls: tool_name, model, usage, cost, cache_hit, and the bounded request/answer per call.
ALTER TABLE steps ADD COLUMN IF NOT EXISTS llm jsonb;
CREATE INDEX IF NOT EXISTS steps_execution_llm ON steps (execution_id) WHERE llm IS NOT NULL;
-- Webhook endpoints an organization registers once, for the events each wants (issue 25): its own
-- signing secret, disabled after failing for WEBHOOK_DISABLE_AFTER_DAYS. Events are kept 30 days
-- for GET /v1/events; every attempt to an endpoint is kept and can be retried.
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  url              text        NOT NULL,
  description      text,
  events           text[]      NOT NULL,
  secret           text        NOT NULL,
  status           text        NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  disabled_reason  text,
  failing_since    timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhook_endpoints_organization ON webhook_endpoints (organization_id, created_at);
CREATE TABLE IF NOT EXISTS events (
  seq              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id               text        NOT NULL UNIQUE,
  organization_id  uuid        NOT NULL REFERENCES organizations(id),
  type             text        NOT NULL,
  data             jsonb       NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS events_organization ON events (organization_id, seq DESC);
CREATE TABLE IF NOT EXISTS endpoint_deliveries (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id  uuid        NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_id     text        NOT NULL,
  attempt      integer     NOT NULL,
  status_code  integer,
  outcome      text        NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS endpoint_deliveries_endpoint ON endpoint_deliveries (endpoint_id, id DESC);
-- The lost-event sweep: a day of events across organizations, each checked for an attempt per endpoint.
CREATE INDEX IF NOT EXISTS events_created ON events (created_at);
CREATE INDEX IF NOT EXISTS endpoint_deliveries_event ON endpoint_deliveries (event_id, endpoint_id);
