import type { PipelineRow } from "../db/queries/pipelines";
import type { DocumentStatus } from "../db/types";
import type { CompiledPipeline } from "./definition";
import { presentStepLlm } from "./observability";

/** The format a run's `result_url`s name: its `output_format`, plain text unless it chose another. */
export const outputFormat = (row: Pick<PipelineRow, "options">) =>
  (row.options.output_format as string | undefined) ?? "text";

/** Where a document's parsed content is readable (GET …/content), in the given format. */
export const contentPath = (pipelineId: string, documentId: string, format: string) =>
  `/v1/pipelines/${pipelineId}/documents/${documentId}/content?format=${format}`;

/** Where a document's stored output of one phase (its cells after it) is readable (GET …/phases/{index}). */
export const phaseOutputPath = (pipelineId: string, documentId: string, phaseIndex: number) =>
  `/v1/pipelines/${pipelineId}/documents/${documentId}/phases/${phaseIndex}`;

/** Where a step's output can be read: a completed transfer's parse (GET …/content); other phases have none. */
type StepRow = { phase_type: string; status: string; document_id: string };
export function resultUrl(row: Pick<PipelineRow, "id" | "options">, step: StepRow): string | null {
  const readable = step.phase_type === "transfer" && step.status === "completed";
  return readable ? contentPath(row.id, step.document_id, outputFormat(row)) : null;
}

/** A step as listed, with its `result_url`. */
export const presentStep = <S extends StepRow & { llm?: unknown }>(row: Pick<PipelineRow, "id" | "options">, step: S) =>
  ({ ...step, llm: presentStepLlm(step.llm), result_url: resultUrl(row, step) });

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
    output_format: outputFormat(row),
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
