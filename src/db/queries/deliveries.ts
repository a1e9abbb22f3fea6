import type { OcrSettings } from "../../pipeline/definition-schema";
import { sql } from "kysely";
import type { Decision, DocumentStatus, Db, PipelineStatus } from "../types";
import { closeExecutionSql, CLOSING_COLUMNS } from "./executions";

/** Everything one delivery needs, in one round trip: the document, its run's snapshot, and uniqueness counts. */
export interface DeliveryState {
  id: string;
  pipeline_id: string;
  status: DocumentStatus;
  phase_index: number;
  generation: number;
  source: unknown;
  filename: string | null;
  mime_type: string | null;
  cells: unknown;
  parsed: unknown;
  config: unknown;
  cancel_requested: boolean;
  organization_id: string;
  webhook_url: string | null;
  /** For a finished document's event: how its organization knows it and its run. */
  external_id: string | null;
  pipeline_name: string;
  /** The execution this delivery belongs to: its steps are filed under it. */
  execution_id: string | null;
  /** The run's options: `page_range`, `skip_cache`, preview `sample`, `ocr`, `max_cost` of model calls. */
  options: { page_range?: string; skip_cache?: boolean; run_evals?: boolean; context?: Record<string, unknown>; ocr?: OcrSettings; max_cost?: number };
  /** What this execution's model calls cost so far; read only for an extraction phase of a run with `max_cost`. */
  llm_spent: number | null;
  cache_key: string | null;
  /** A stored parse of the same content, looked up only when transfer is next and the cache is on. */
  cached_parse: unknown;
  uniqueness: Record<string, number>;
  /** Reviewer decisions; an item cell's names its item index, column and the item's source text when decided. */
  decisions: Array<{
    field: string; gate: string; decision: Decision; value?: unknown;
    item_index?: number | null; column?: string | null; item_text?: string | null;
  }>;
  /** Starts of this phase, this one included, that have not finished; null when the message is not the expected one. */
  phase_starts: number | null;
  /** Child documents: the parent (null for an input of the run) and the nesting depth (0 for an input). */
  parent_document_id: string | null;
  depth: number;
  /** A part of a split file: `{type, pages, …}`; null otherwise. */
  part: unknown;
}

/**
 * Reads a delivery and, in the same statement, records that the expected phase is starting: the
 * count survives a process that dies mid-phase, so the next delivery knows how often it crashed.
 */
export async function loadDelivery(db: Db, documentId: string, expected: { phaseIndex: number; generation: number }): Promise<DeliveryState | undefined> {
  // Uniqueness counts and reviewer decisions are only read when the phase about to run is a validation phase;
  // the source (possibly a whole uploaded file) only for transfer, and the parse only after it (its word
  // boxes, the bulk of a PDF's parse, only for extraction, the one phase that turns spans into boxes).
  const result = await sql<DeliveryState>`
    with started as (
      update documents set phase_starts = phase_starts + 1
      where id = ${documentId} and phase_index = ${expected.phaseIndex} and generation = ${expected.generation}
        and status in ('queued', 'processing')
      returning phase_starts
    )
    select (select phase_starts from started) as phase_starts, d.id, d.pipeline_id, d.status, d.phase_index, d.generation,
           case when p.config->'phases'->d.phase_index->>'type' = 'transfer' then d.source end as source,
           d.filename, d.mime_type, d.cells, d.parent_document_id, d.depth, d.part, d.external_id, p.name as pipeline_name,
           case p.config->'phases'->d.phase_index->>'type' when 'transfer' then null when 'extraction' then d.parsed
                else d.parsed - 'words' end as parsed,
           p.config, p.cancel_requested, d.organization_id, p.options, d.cache_key, p.webhook_url, p.execution_id,
           case when p.config->'phases'->d.phase_index->>'type' = 'transfer' and d.cache_key is not null
                     and d.source->>'kind' <> 'url'
                     and coalesce(p.options->>'skip_cache', 'false') <> 'true' then
             (select c.parsed from documents c where c.organization_id = d.organization_id and c.cache_key = d.cache_key
                and c.parsed is not null limit 1)
           end as cached_parse,
           case when p.config->'phases'->d.phase_index->>'type' = 'validation' and cardinality(p.unique_fields) > 0 then
             (select coalesce(jsonb_object_agg(f.name, (
                select count(*) from documents o
                where o.pipeline_id = d.pipeline_id and o.id <> d.id
                  and o.cells->f.name->'value' = d.cells->f.name->'value'
                  and d.cells->f.name->'value' <> 'null'::jsonb)), '{}'::jsonb)
              from unnest(p.unique_fields) as f(name))
           else '{}'::jsonb end as uniqueness,
           case when p.config->'phases'->d.phase_index->>'type' = 'extraction' and p.options ? 'max_cost' then
             (select coalesce(sum((s.llm->>'cost')::numeric), 0)::float8 from steps s
              where s.execution_id = p.execution_id and s.llm is not null)
           end as llm_spent,
           case when p.config->'phases'->d.phase_index->>'type' = 'validation' then
             (select coalesce(jsonb_agg(jsonb_build_object('field', r.field, 'gate', r.gate, 'decision', r.decision, 'value', r.value,
                'item_index', r.item_index, 'column', r.item_column, 'item_text', r.item_text)), '[]'::jsonb)
              from review_decisions r where r.document_id = d.id)
           else '[]'::jsonb end as decisions
    from documents d join pipelines p on p.id = d.pipeline_id
    where d.id = ${documentId}`.execute(db);
  return result.rows[0];
}

export type Outcome = "complete" | "partial" | "error" | "cancelled";

export interface PhaseCommit {
  documentId: string;
  executionId: string | null;
  phaseIndex: number;
  generation: number;
  /** The phase index the document expects next (phaseIndex + 1, or unchanged when terminal by failure). */
  nextPhaseIndex: number;
  /** Terminal outcome, or null while phases remain. */
  outcome: Outcome | null;
  cells: unknown;
  parsed?: unknown;
  pageCount?: number;
  /** Set by transfer when the key was only known after fetching (URL documents). */
  cacheKey?: string | null;
  error?: unknown;
  /** Whether this phase's cells are kept as its snapshot (not for failures). */
  snapshot: boolean;
  /** Queue messages this commit implies (the next phase's message). */
  published: number;
  /** Transfer: the child documents the parse made (inserted, or reset when a rerun makes them again), their first cells, and the split's part count. */
  children?: { documents: ChildDocumentRow[]; cells: unknown; splitCount: number | null };
  /** Whether a terminal commit writes the document's row for readers (a split parent has none: its parts are the rows). */
  row?: boolean;
  /** A terminal commit's `document.completed` event: kept with the commit, so a redelivery (which commits nothing) keeps none. */
  event?: { id: string; type: string; data: unknown };
  step: {
    phaseType: string;
    attempt: number;
    status: "completed" | "failed" | "cancelled";
    startedAt: Date;
    finishedAt: Date;
    error?: unknown;
    lookupKey?: string | null;
    cacheHit?: boolean | null;
    notes?: unknown;
    /** An extraction step's model calls (tool_name, model, usage, cost, request and answer). */
    llm?: unknown;
  };
}

/** A child document as the transfer commit writes it (see `ChildDocument` in src/pipeline/children.ts). */
export interface ChildDocumentRow {
  key: string; filename: string | null; mime_type: string | null; source: unknown; parsed: unknown; page_count: number | null;
  phase_index: number; attachment: unknown; part: unknown; content_hash: string;
}

export interface CommitResult {
  advanced: boolean;
  /** The child documents inserted or reset, to publish. */
  children: Array<{ id: string; phase_index: number }>;
  pipelineStatus: PipelineStatus | null;
  finished: boolean;
  /** The enabled endpoints that want the event this commit kept, to queue it to. */
  endpoints: string[];
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** The final status of a run from its counters once nothing is pending (DESIGN.md §2). */
export const finalStatusSql = (complete: ReturnType<typeof sql>, error: ReturnType<typeof sql>, cancelled: ReturnType<typeof sql>) => sql`
  case when ${cancelled} > 0 then 'cancelled'
       when ${error} = document_count then 'failed'
       when ${complete} = document_count then 'completed'
       else 'partial' end`;

/**
 * The switch readers see: a run that finishes publishes its generation when it ended `completed` or
 * `partial`, or when nothing was published yet; a cancelled or failed rerun leaves the last one visible.
 */
export const publishOnFinish = (finishing: ReturnType<typeof sql>, finalStatus: ReturnType<typeof sql>) => {
  const publishes = sql`${finishing} and (${finalStatus} in ('completed', 'partial') or p.published_generation = 0)`;
  return sql`
    published_generation = case when ${publishes} then p.generation else p.published_generation end,
    published_at = case when ${publishes} then now() else p.published_at end`;
};

/**
 * Advances one document by one phase in ONE statement: the document update is conditional on
 * (phase_index, generation), and the snapshot, step, run counters and events are written only if
 * it matched. Duplicate or late deliveries match nothing and change nothing. The run row lock
 * makes the last document's decrement the only one that sees zero, so completion is detected once.
 * A terminal commit also writes the document's row of its generation; the finishing one publishes
 * that generation for readers and drops rows older than the one it replaces.
 */
export async function commitPhase(db: Db, c: PhaseCommit): Promise<CommitResult> {
  const terminal = c.outcome ? 1 : 0;
  const is = (o: Outcome) => (c.outcome === o ? 1 : 0);
  const status: DocumentStatus = c.outcome ?? "processing";
  const durationMs = Math.max(0, c.step.finishedAt.getTime() - c.step.startedAt.getTime());
  const complete = sql`complete_count + ${is("complete")}`;
  const error = sql`error_count + ${is("error")}`;
  const cancelled = sql`cancelled_count + ${is("cancelled")}`;
  const finalStatus = finalStatusSql(complete, error, cancelled);
  // Serialised once, though the statement sends it three times.
  const cells = json(c.cells);
  const kids = c.children?.documents ?? [];
  const made = kids.length;
  const kidsJson = JSON.stringify(kids.map((k, ord) => ({ ...k, ord })));
  const transfer = c.children !== undefined;
  const row = c.row ?? true;
  const result = await sql<{
    advanced: number; children: CommitResult["children"] | string; pipeline_status: PipelineStatus | null; pending: number | null; endpoints: string[] | string;
  }>`
    with doc as (
      update documents set phase_index = ${c.nextPhaseIndex}, status = ${status}, cells = ${cells}::jsonb,
        parsed = coalesce(${json(c.parsed)}::jsonb, parsed), page_count = coalesce(${c.pageCount ?? null}::int, page_count),
        error = ${json(c.error)}::jsonb, updated_at = now(), swept_at = null, cache_key = coalesce(${c.cacheKey ?? null}, cache_key),
        phase_starts = 0, split_count = case when ${transfer} then ${c.children?.splitCount ?? null}::int else split_count end
      where id = ${c.documentId} and phase_index = ${c.phaseIndex} and generation = ${c.generation}
        and status in ('queued', 'processing')
      returning id, pipeline_id, ordinal, external_id, organization_id, depth
    ), version as (
      insert into document_versions (pipeline_id, generation, ordinal, document_id, external_id, status, cells)
      select pipeline_id, ${c.generation}, ordinal, id, external_id, ${status}, ${cells}::jsonb
      from doc where ${terminal} = 1 and ${row}
      on conflict (pipeline_id, generation, ordinal) do update set status = excluded.status, cells = excluded.cells
    ), snapshot as (
      insert into document_phases (document_id, phase_index, generation, cells)
      select id, ${c.phaseIndex}, ${c.generation}, ${cells}::jsonb from doc where ${c.snapshot}
      on conflict (document_id, phase_index) do update
        set generation = excluded.generation, cells = excluded.cells, created_at = now()
    ), step as (
      insert into steps (pipeline_id, document_id, phase_index, phase_type, generation, attempt, status,
                         started_at, finished_at, duration_ms, error, lookup_key, cache_hit, notes,
                         execution_id, llm)
      select pipeline_id, id, ${c.phaseIndex}, ${c.step.phaseType}, ${c.generation}, ${c.step.attempt}, ${c.step.status},
             ${c.step.startedAt}, ${c.step.finishedAt}, ${durationMs}, ${json(c.step.error)}::jsonb,
             ${c.step.lookupKey ?? null}, ${c.step.cacheHit ?? null}, ${json(c.step.notes)}::jsonb,
             ${c.executionId}::uuid, ${json(c.step.llm)}::jsonb
      from doc
    ), pipe as (
      update pipelines p set
        queue_messages = queue_messages + ${c.published},
        pending_count = pending_count + ${made} - ${terminal}, document_count = document_count + ${made},
        complete_count = ${complete}, partial_count = partial_count + ${is("partial")},
        error_count = ${error}, cancelled_count = ${cancelled},
        status = case when status = 'running' and pending_count + ${made} - ${terminal} = 0
                      then ${finalStatus} else status end,
        finished_at = case when status = 'running' and pending_count + ${made} - ${terminal} = 0 then now() else finished_at end,
        ${publishOnFinish(sql`p.status = 'running' and p.pending_count + ${made} - ${terminal} = 0`, finalStatus)},
        last_ordinal = case when ${made} > 0
          then coalesce(p.last_ordinal, (select max(o.ordinal) from documents o where o.pipeline_id = p.id)) + ${made}
          else p.last_ordinal end,
        updated_at = now()
      from doc where p.id = doc.pipeline_id
      returning ${CLOSING_COLUMNS}, p.published_generation, p.last_ordinal
    ), ${childrenSql(c, kidsJson, made)}, before as (
      select published_generation from pipelines where id = (select pipeline_id from doc)
    ), pruned as (
      delete from document_versions v using pipe, before
      where v.pipeline_id = pipe.id and pipe.published_generation <> before.published_generation
        and v.generation < before.published_generation
    ), execution as (${closeExecutionSql(sql`pipe`, sql`${terminal} = 1`, json(c.step.llm))}
    ), events as (
      insert into pipeline_events (pipeline_id, type, data)
      select doc.pipeline_id, 'document.phase', jsonb_build_object(
        'document_id', doc.id, 'phase_index', ${c.phaseIndex}::int, 'phase', ${c.step.phaseType}::text,
        'generation', ${c.generation}::int, 'status', ${status}::text, 'step', ${c.step.status}::text) from doc
      union all
      select pipe.id, 'pipeline.finished', jsonb_build_object('status', pipe.status)
      from pipe where pipe.pending_count = 0 and ${terminal} = 1
    ), kept as (
      insert into events (id, organization_id, type, data)
      select ${c.event?.id ?? null}::text, doc.organization_id, ${c.event?.type ?? null}::text, ${json(c.event?.data)}::jsonb
      from doc where ${c.event !== undefined}
      on conflict (id) do nothing
      returning organization_id, type
    )
    select (select count(*) from doc)::int as advanced,
           (select coalesce(jsonb_agg(jsonb_build_object('id', id, 'phase_index', phase_index)), '[]'::jsonb) from kids) as children,
           (select status from pipe) as pipeline_status,
           (select pending_count from pipe) as pending,
           (select coalesce(jsonb_agg(w.id), '[]'::jsonb) from kept join webhook_endpoints w on w.organization_id = kept.organization_id
            where w.status = 'enabled' and kept.type = any(w.events)) as endpoints`.execute(db);
  const first = result.rows[0];
  const list = <T>(v: T[] | string | undefined): T[] => (typeof v === "string" ? JSON.parse(v) : v ?? []);
  return {
    advanced: Number(first?.advanced ?? 0) > 0,
    children: list(first?.children),
    pipelineStatus: first?.pipeline_status ?? null,
    finished: terminal === 1 && first?.pending === 0,
    endpoints: list(first?.endpoints),
  };
}

/**
 * The transfer commit's child documents: inserted after the run's inputs (ordinals from the run's
 * counter, taken under the run row's lock), or, made again by a rerun, reset in place under the
 * new generation. A child whose content changed loses the reviewer decisions taken on the old one.
 */
function childrenSql(c: PhaseCommit, kidsJson: string, made: number) {
  return sql`old_kids as (
      select id, child_key, content_hash from documents where parent_document_id = ${c.documentId} and ${made} > 0
    ), forgotten as (
      delete from review_decisions r
      using old_kids o, doc, jsonb_to_recordset(${kidsJson}::jsonb) as k(key text, content_hash text)
      where r.document_id = o.id and o.child_key = k.key and o.content_hash is distinct from k.content_hash
    ), kids as (
      insert into documents (pipeline_id, organization_id, ordinal, parent_document_id, child_key, depth, filename, mime_type,
                             source, status, phase_index, generation, cells, parsed, page_count, attachment, part, content_hash)
      select doc.pipeline_id, doc.organization_id, pipe.last_ordinal - ${made} + 1 + k.ord, doc.id, k.key, doc.depth + 1,
             k.filename, k.mime_type, k.source, 'queued', k.phase_index, ${c.generation}, ${json(c.children?.cells)}::jsonb,
             k.parsed, k.page_count, k.attachment, k.part, k.content_hash
      from doc cross join pipe cross join jsonb_to_recordset(${kidsJson}::jsonb) as k(
        key text, filename text, mime_type text, source jsonb, parsed jsonb, page_count int, phase_index int,
        attachment jsonb, part jsonb, content_hash text, ord int)
      on conflict (parent_document_id, child_key) where parent_document_id is not null do update set
        filename = excluded.filename, mime_type = excluded.mime_type, source = excluded.source, status = 'queued',
        phase_index = excluded.phase_index, generation = excluded.generation, cells = excluded.cells, parsed = excluded.parsed,
        page_count = excluded.page_count, attachment = excluded.attachment, part = excluded.part, depth = excluded.depth,
        content_hash = excluded.content_hash, error = null, updated_at = now(), swept_at = null, phase_starts = 0
      returning id, phase_index
    )`;
}

/** A failed attempt that will be retried leaves a trace, and its start is no crash: it is taken back. */
export async function recordRetry(
  db: Db,
  r: {
    pipelineId: string; executionId: string | null; documentId: string; phaseIndex: number; phaseType: string;
    generation: number; attempt: number; startedAt: Date; finishedAt: Date; error: unknown;
  },
): Promise<void> {
  const durationMs = Math.max(0, r.finishedAt.getTime() - r.startedAt.getTime());
  await sql`
    with finished as (
      update documents set phase_starts = greatest(phase_starts - 1, 0)
      where id = ${r.documentId} and phase_index = ${r.phaseIndex} and generation = ${r.generation}
    )
    insert into steps (pipeline_id, document_id, phase_index, phase_type, generation, attempt, status,
                       started_at, finished_at, duration_ms, error, execution_id)
    values (${r.pipelineId}, ${r.documentId}, ${r.phaseIndex}, ${r.phaseType}, ${r.generation}, ${r.attempt}, 'retrying',
            ${r.startedAt}, ${r.finishedAt}, ${durationMs}, ${JSON.stringify(r.error)}::jsonb,
            ${r.executionId}::uuid)`.execute(db);
}
