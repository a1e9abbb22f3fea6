import type { PipelineRow } from "../db/queries/pipelines";
import type { DocumentStatus } from "../db/types";
import type { CompiledPipeline } from "./definition";

export interface DocumentStats {
  counts: Record<DocumentStatus, number>;
  pages: number;
}

/** The public shape of a run; `config` is the compiled phase snapshot it is pinned to. */
export function presentPipeline(row: PipelineRow, stats?: DocumentStats) {
  const config = row.config as unknown as CompiledPipeline;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    preview: row.preview,
    generation: row.generation,
    template_id: row.template_id,
    template_version: row.template_version,
    webhook_url: row.webhook_url,
    parent_id: row.parent_id,
    root_id: row.root_id,
    execution_id: row.execution_id,
    cancel_requested: row.cancel_requested,
    created_at: row.created_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
    counts: {
      total: row.document_count,
      pending: row.pending_count,
      complete: row.complete_count,
      partial: row.partial_count,
      error: row.error_count,
      cancelled: row.cancelled_count,
    },
    ...(stats && {
      documents_by_state: stats.counts,
      config,
      usage: {
        documents: row.document_count,
        pages: stats.pages,
        cells: row.document_count * config.fields.length,
        queue_messages: row.queue_messages,
      },
    }),
  };
}
