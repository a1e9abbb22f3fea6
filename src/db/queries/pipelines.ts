import { sql, type Transaction } from "kysely";
import { isBase64 } from "../../crypto";
import type { Database, Db, DocumentStatus, PipelineStatus } from "../types";
import { finalStatusSql, publishOnFinish } from "./deliveries";
import { closeExecutionSql, CLOSING_COLUMNS } from "./executions";

export interface NewDocument {
  externalId: string | null;
  filename: string | null;
  mimeType: string | null;
  source: unknown;
  /** Known at creation for inline content, so the transfer read can find a stored parse at once. */
  cacheKey: string | null;
  expected: Record<string, unknown> | null;
}

export interface NewPipeline {
  id: string;
  organizationId: string;
  name: string;
  config: unknown;
  uniqueFields: string[];
  preview: boolean;
  initialCells: unknown;
  documents: NewDocument[];
  options: Record<string, unknown>;
  templateId: string | null;
  templateVersion: number | null;
  webhookUrl: string | null;
}

const INSERT_BATCH = 500;

/**
 * A document's source as JSON. Base64 needs no escaping, so an upload's 13 MB is joined rather
 * than scanned by JSON.stringify on the event loop; the same text either way.
 */
function sourceJson(source: unknown): string {
  const { kind, data, ...rest } = source as { kind?: unknown; data?: unknown };
  if (kind === "base64" && typeof data === "string" && Object.keys(rest).length === 0 && isBase64(data)) return `{"kind":"base64","data":"${data}"}`;
  return JSON.stringify(source);
}

/** Stores a run and all its documents; the caller's transaction makes it all-or-nothing. */
export async function insertPipeline(trx: Transaction<Database>, p: NewPipeline) {
  const row = await trx
    .insertInto("pipelines")
    .values({
      id: p.id, organization_id: p.organizationId, name: p.name, config: JSON.stringify(p.config), unique_fields: p.uniqueFields,
      preview: p.preview, root_id: p.id, document_count: p.documents.length, pending_count: p.documents.length,
      queue_messages: p.documents.length, options: JSON.stringify(p.options),
      template_id: p.templateId, template_version: p.templateVersion, webhook_url: p.webhookUrl,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const cells = JSON.stringify(p.initialCells);
  const documentIds: string[] = [];
  for (let start = 0; start < p.documents.length; start += INSERT_BATCH) {
    const batch = p.documents.slice(start, start + INSERT_BATCH).map((d, i) => ({
      pipeline_id: p.id, organization_id: p.organizationId, ordinal: start + i, external_id: d.externalId,
      filename: d.filename, mime_type: d.mimeType, source: sourceJson(d.source), cells, cache_key: d.cacheKey,
      expected: d.expected ? JSON.stringify(d.expected) : null,
    }));
    const ids = await trx.insertInto("documents").values(batch).returning("id").execute();
    documentIds.push(...ids.map((r) => r.id));
  }
  return { row, documentIds };
}

export async function findPipeline(db: Db, organizationId: string, id: string) {
  return db.selectFrom("pipelines").selectAll().where("id", "=", id).where("organization_id", "=", organizationId).executeTakeFirst();
}

export type PipelineRow = NonNullable<Awaited<ReturnType<typeof findPipeline>>>;

/** A run's current documents: its inputs, and the children its last transfers made (older ones are left behind). */
const isCurrent = (pipelineId: string) =>
  sql<boolean>`(parent_document_id is null or generation = (select p.generation from pipelines p where p.id = ${pipelineId}))`;

export async function documentStats(db: Db, pipelineId: string) {
  const rows = await db
    .selectFrom("documents")
    .select(["status", (eb) => eb.fn.countAll<string>().as("n"), (eb) => eb.fn.sum<string | null>("page_count").as("pages")])
    .where("pipeline_id", "=", pipelineId)
    .where(isCurrent(pipelineId))
    .groupBy("status")
    .execute();
  const counts: Record<DocumentStatus, number> = { queued: 0, processing: 0, complete: 0, partial: 0, error: 0, cancelled: 0 };
  let pages = 0;
  for (const r of rows) {
    counts[r.status] = Number(r.n);
    pages += Number(r.pages ?? 0);
  }
  return { counts, pages };
}

export interface PipelineFilter {
  status?: PipelineStatus;
  templateId?: string;
  rootOnly?: boolean;
  limit: number;
  offset: number;
}

export async function listPipelines(db: Db, organizationId: string, f: PipelineFilter) {
  let query = db.selectFrom("pipelines").where("organization_id", "=", organizationId);
  if (f.status) query = query.where("status", "=", f.status);
  if (f.templateId) query = query.where("template_id", "=", f.templateId);
  if (f.rootOnly) query = query.where("parent_id", "is", null);
  const [items, total] = await Promise.all([
    query.selectAll().orderBy("created_at", "desc").orderBy("id").limit(f.limit).offset(f.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function listSteps(db: Db, pipelineId: string, limit: number, afterId: string | undefined, executionId?: string) {
  let query = db.selectFrom("steps").selectAll().where("pipeline_id", "=", pipelineId);
  if (afterId) query = query.where("id", ">", afterId);
  if (executionId) query = query.where("execution_id", "=", executionId);
  return query.orderBy("id").limit(limit).execute();
}

export async function listChildren(db: Db, organizationId: string, rootId: string) {
  return db
    .selectFrom("pipelines")
    .select(["id", "name", "status", "parent_id", "created_at"])
    .where("organization_id", "=", organizationId)
    .where("root_id", "=", rootId)
    .orderBy("created_at")
    .execute();
}

export async function listEvents(db: Db, pipelineId: string, afterId: number, limit = 500) {
  return db.selectFrom("pipeline_events").selectAll()
    .where("pipeline_id", "=", pipelineId).where("id", ">", String(afterId))
    .orderBy("id").limit(limit).execute();
}

/**
 * The run's current documents in order: its inputs, and the child documents its last transfers made
 * (a child left over from an earlier split or mail keeps an older generation and is not current).
 */
export async function listRecordDocuments(db: Db, pipelineId: string) {
  return db
    .selectFrom("documents")
    .select(["id", "ordinal", "external_id", "filename", "status", "cells", "error", "expected",
      "parent_document_id", "attachment", "part", "split_count"])
    .where("pipeline_id", "=", pipelineId)
    .where(isCurrent(pipelineId))
    .orderBy("ordinal")
    .execute();
}

/**
 * Cancels every document not yet terminal and closes the run if that leaves nothing pending;
 * deliveries already in flight then match no row and change nothing. A cancelled rerun publishes
 * nothing: readers keep the last finished generation.
 */
export async function cancelPipeline(db: Db, pipelineId: string) {
  const stoppedCount = sql`(select count(*) from stopped)::int`;
  const cancelled = sql`cancelled_count + ${stoppedCount}`;
  const result = await sql<{ status: PipelineStatus; stopped: number; finished: boolean }>`
    with stopped as (
      update documents set status = 'cancelled', updated_at = now()
      where pipeline_id = ${pipelineId} and status in ('queued', 'processing')
      returning id
    ), pipe as (
      update pipelines p set cancel_requested = true, updated_at = now(),
        cancelled_count = ${cancelled},
        pending_count = pending_count - (select count(*) from stopped)::int,
        status = case when status = 'running' and pending_count - (select count(*) from stopped)::int = 0
                      then ${finalStatusSql(sql`complete_count`, sql`error_count`, cancelled)} else status end,
        finished_at = case when status = 'running' and pending_count - (select count(*) from stopped)::int = 0 then now() else finished_at end,
        ${publishOnFinish(sql`p.status = 'running' and p.pending_count - ${stoppedCount} = 0`, sql`'cancelled'`)}
      where p.id = ${pipelineId}
      returning ${CLOSING_COLUMNS}, (select count(*) from stopped)::int as stopped
    ), execution as (${closeExecutionSql(sql`pipe`, sql`pipe.stopped > 0`)}
    ), events as (
      insert into pipeline_events (pipeline_id, type, data)
      select ${pipelineId}, 'pipeline.finished', jsonb_build_object('status', pipe.status)
      from pipe where pipe.pending_count = 0 and pipe.stopped > 0
    )
    select status, stopped, pending_count = 0 as finished from pipe`.execute(db);
  return result.rows[0];
}

/** Claims documents that stopped moving; `swept_at` keeps a concurrent sweep from claiming them too. */
export async function claimStaleDocuments(db: Db, olderThanSeconds: number, limit: number) {
  const result = await sql<{ id: string; organization_id: string; pipeline_id: string; phase_index: number; generation: number; swept_at: Date }>`
    update documents set swept_at = now()
    where id in (
      select id from documents
      where status in ('queued', 'processing')
        and updated_at < now() - make_interval(secs => ${olderThanSeconds})
        and (swept_at is null or swept_at < now() - make_interval(secs => ${olderThanSeconds}))
      order by updated_at
      limit ${limit}
      for update skip locked)
    returning id, organization_id, pipeline_id, phase_index, generation, swept_at`.execute(db);
  return result.rows.map((r) => ({ ...r, swept_at: new Date(r.swept_at) }));
}
