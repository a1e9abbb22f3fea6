import { findExecution, phaseStepSummary, storedCheckpoints, type ExecutionRow } from "../db/queries/executions";
import { firstDocumentPhases } from "../db/queries/documents";
import { documentStats, type PipelineRow } from "../db/queries/pipelines";
import { executionUsage } from "../db/queries/llm-answers";
import type { Db } from "../db/types";
import { presentObservability } from "./observability";
import type { CompiledPipeline } from "./definition";
import { phaseOutputPath, presentPipeline, resultUrl, type DocumentStats } from "./present";

/** What the run's steps did per phase (one row per phase that ran in the execution). */
export interface PhaseSummary {
  phase_index: number;
  completed: number;
  failed: number;
  cancelled: number;
  retrying: number;
  started_at: Date | null;
  finished_at: Date | null;
  lookup_keys: string[] | null;
  error_message: string | null;
}

export interface RunDetail {
  stats: DocumentStats;
  /** The current execution's model usage so far. */
  usage: unknown;
  execution: ExecutionRow;
  phases: PhaseSummary[];
  /** Per phase index with a stored output: the newest generation that wrote it. */
  checkpoints: Map<number, number>;
  /** The document the steps' `result_url`s show (the run's first), with its stored outputs by phase index. */
  firstDocument: { documentId: string | null; phases: Map<number, number> };
}

/** One execution with its lineage, as the runs API and the tree show it. */
export const presentExecution = (e: ExecutionRow) => ({
  id: e.id, pipeline_id: e.pipeline_id, parent_id: e.parent_id, root_id: e.root_id, depth: e.depth,
  generation: e.generation, triggered_by: e.triggered_by, trigger_ref: e.trigger_ref, from_phase_index: e.from_phase_index,
  status: e.status, error: e.error, outcome: e.outcome, context: e.context, input_config: e.input_config,
  started_at: e.started_at, completed_at: e.completed_at, observability: presentObservability(e.observability),
});

const checkpointId = (pipelineId: string, phaseIndex: number, generation: number) => `${pipelineId}/phases/${phaseIndex}@${generation}`;

function stepStatus(phaseIndex: number, s: PhaseSummary | undefined, execution: ExecutionRow, documents: number) {
  if (phaseIndex < execution.from_phase_index) return "reused";
  if (!s) return execution.status === "running" ? "pending" : "skipped";
  const done = s.completed + s.failed + s.cancelled;
  if (execution.status === "running" && done < documents) return "running";
  if (s.failed === done) return "failed";
  if (s.completed === 0 && s.cancelled > 0) return "cancelled";
  return s.failed > 0 ? "partial" : "completed";
}

/**
 * Where a step's output is readable for the run's first document: transfer's parse (the content,
 * once transfer completed in this execution), any other phase's stored cells once it has them.
 */
function stepResultUrl(row: PipelineRow, phase: { index: number; type: string }, s?: PhaseSummary, detail?: RunDetail) {
  const documentId = detail?.firstDocument.documentId;
  if (!documentId) return null;
  if (phase.type === "transfer") {
    return s !== undefined && s.completed > 0 ? resultUrl(row, { phase_type: phase.type, status: "completed", document_id: documentId }) : null;
  }
  return detail!.firstDocument.phases.has(phase.index) ? phaseOutputPath(row.id, documentId, phase.index) : null;
}

/** The generation of a phase's stored output: the named document's (what `result_url` reads), else the run's newest. */
const storedGeneration = (phaseIndex: number, detail?: RunDetail) =>
  detail?.firstDocument.phases.get(phaseIndex) ?? detail?.checkpoints.get(phaseIndex);

/**
 * Seed 004's step list: one entry per phase, aggregated over the run's documents. `checkpoint_id`
 * names the stored output of the previous phase (what a rerun from this phase resumes from), as
 * `{run}/phases/{index}@{generation}`: for the document the `result_url`s name, the very output
 * the previous step's `result_url` reads (its `phase_index` and `generation`).
 */
function presentSteps(row: PipelineRow, config: CompiledPipeline, detail?: RunDetail, execution?: ExecutionRow) {
  return config.phases.map((phase) => {
    const s = detail?.phases.find((p) => p.phase_index === phase.index);
    const previous = phase.index > 0 ? config.phases[phase.index - 1] : null;
    const checkpoint = previous ? storedGeneration(previous.index, detail) : undefined;
    return {
      step_index: phase.index,
      step_type: phase.type,
      status: execution ? stepStatus(phase.index, s, execution, row.document_count) : "pending",
      lookup_key: s?.lookup_keys?.length === 1 ? s.lookup_keys[0] : null,
      result_url: stepResultUrl(row, phase, s, detail),
      started_at: s?.started_at ?? null,
      finished_at: s?.finished_at ?? null,
      error_message: s?.error_message ?? null,
      source_step_type: previous?.type ?? null,
      checkpoint_id: checkpoint !== undefined ? checkpointId(row.id, previous!.index, checkpoint) : null,
      documents: { completed: s?.completed ?? 0, failed: s?.failed ?? 0, cancelled: s?.cancelled ?? 0, retrying: s?.retrying ?? 0 },
    };
  });
}

/** Seed 004's run fields, beside Sluice's own (which stay as they are). */
function seedFields(row: PipelineRow, execution: ExecutionRow | undefined, detail?: RunDetail) {
  const config = row.config as unknown as CompiledPipeline;
  return {
    execution_id: execution?.id ?? row.execution_id,
    pipeline_id: row.template_id,
    pipeline_version: row.template_version,
    steps: presentSteps(row, config, detail, execution),
    started_at: execution?.started_at ?? row.created_at,
    completed_at: execution?.completed_at ?? null,
    created: row.created_at,
    config_snapshot: config,
    input_config: execution?.input_config ?? {},
    rate_breakdown: {
      documents: row.document_count,
      pages: detail?.stats.pages ?? 0,
      cells: row.document_count * config.fields.length,
      queue_messages: row.queue_messages,
    },
    execution: execution ? presentExecution(execution) : null,
  };
}

/** The 202 of a create or a template run: nothing has run yet. */
export const presentCreatedRun = (row: PipelineRow, execution: ExecutionRow) => ({ ...presentPipeline(row), ...seedFields(row, execution) });

/** `GET /v1/pipelines/{id}`: the run with counts, usage, its current execution and its steps per phase. */
export const presentRun = (row: PipelineRow, detail: RunDetail) => ({
  ...presentPipeline(row, detail.stats),
  ...seedFields(row, detail.execution, detail),
  observability: presentObservability(detail.usage)!,
});

/** Everything `presentRun` shows beyond the run row, read concurrently. */
export async function loadRunDetail(db: Db, row: PipelineRow): Promise<RunDetail> {
  const [stats, execution, phases, checkpoints, first, usage] = await Promise.all([
    documentStats(db, row.id), findExecution(db, row.execution_id!), phaseStepSummary(db, row.id, row.execution_id!),
    storedCheckpoints(db, row.id), firstDocumentPhases(db, row.id), executionUsage(db, row.execution_id!),
  ]);
  return {
    stats, usage, execution: execution!, phases,
    checkpoints: new Map(checkpoints.map((c) => [c.phase_index, c.generation])), firstDocument: first,
  };
}
