import { sql } from "kysely";
import type { DocumentStatus, Db, PipelineStatus } from "../types";
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
  /** The execution this delivery belongs to: its steps are filed under it. */
  execution_id: string | null;
  /** The run's options: `page_range`, `skip_cache`, preview `sample`, `max_cost` of model calls. */
  options: { page_range?: string; skip_cache?: boolean; run_evals?: boolean; context?: Record<string, unknown>; max_cost?: number };
  /** What this execution's model calls cost so far; read only for an extraction phase of a run with `max_cost`. */
  llm_spent: number | null;
  cache_key: string | null;
  /** A stored parse of the same content, looked up only when transfer is next and the cache is on. */
  cached_parse: unknown;
  uniqueness: Record<string, number>;
  /** Reviewer decisions; an item cell's names its item index, column and the item's source text when decided. */
  decisions: Array<{
    field: string; gate: string; decision: "approve" | "override" | "reject"; value?: unknown;
    item_index?: number | null; column?: string | null; item_text?: string | null;
  }>;
  /** Starts of this phase, this one included, that have not finished; null when the message is not the expected one. */
  phase_starts: number | null;
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
           d.filename, d.mime_type, d.cells,
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

export interface CommitResult {
  advanced: boolean;
  pipelineStatus: PipelineStatus | null;
  finished: boolean;
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
  const result = await sql<{ advanced: number; pipeline_status: PipelineStatus | null; pending: number | null }>`
    with doc as (
      update documents set phase_index = ${c.nextPhaseIndex}, status = ${status}, cells = ${cells}::jsonb,
        parsed = coalesce(${json(c.parsed)}::jsonb, parsed), page_count = coalesce(${c.pageCount ?? null}::int, page_count),
        error = ${json(c.error)}::jsonb, updated_at = now(), swept_at = null, cache_key = coalesce(${c.cacheKey ?? null}, cache_key),
        phase_starts = 0
      where id = ${c.documentId} and phase_index = ${c.phaseIndex} and generation = ${c.generation}
        and status in ('queued', 'processing')
      returning id, pipeline_id, ordinal, external_id
    ), version as (
      insert into document_versions (pipeline_id, generation, ordinal, document_id, external_id, status, cells)
      select pipeline_id, ${c.generation}, ordinal, id, external_id, ${status}, ${cells}::jsonb
      from doc where ${terminal} = 1
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
        pending_count = pending_count - ${terminal},
        complete_count = ${complete}, partial_count = partial_count + ${is("partial")},
        error_count = ${error}, cancelled_count = ${cancelled},
        status = case when status = 'running' and pending_count - ${terminal} = 0
                      then ${finalStatus} else status end,
        finished_at = case when status = 'running' and pending_count - ${terminal} = 0 then now() else finished_at end,
        ${publishOnFinish(sql`p.status = 'running' and p.pending_count - ${terminal} = 0`, finalStatus)},
        updated_at = now()
      from doc where p.id = doc.pipeline_id
      returning ${CLOSING_COLUMNS}, p.published_generation
    ), before as (
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
    )
    select (select count(*) from doc)::int as advanced,
           (select status from pipe) as pipeline_status,
           (select pending_count from pipe) as pending`.execute(db);
  const row = result.rows[0];
  return {
    advanced: Number(row?.advanced ?? 0) > 0,
    pipelineStatus: row?.pipeline_status ?? null,
    finished: terminal === 1 && row?.pending === 0,
  };
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
