import { evaluatedDocuments, findEvaluation, findPreviousVersionEvaluation, insertEvaluation } from "../db/queries/evaluations";
import type { PipelineRow } from "../db/queries/pipelines";
import type { Db } from "../db/types";
import type { Services } from "../http/env";
import type { CompiledPipeline } from "../pipeline/definition";
import { compareScores, scoreRun, type Score } from "./score";

/** Whether the run asked to be evaluated when it finishes. */
export const wantsEvaluation = (options: unknown) => (options as { run_evals?: boolean } | null)?.run_evals === true;

/**
 * Scores a finished run against its documents' expected values and stores the result for its
 * current execution, compared with the latest evaluation of an earlier version of its template.
 */
export async function evaluateRun(db: Db, run: PipelineRow) {
  const score = scoreRun(run.config as unknown as CompiledPipeline, withPartExpectations(await evaluatedDocuments(db, run.id)));
  const previous = run.template_id && run.template_version
    ? await findPreviousVersionEvaluation(db, run.organization_id, run.template_id, run.template_version)
    : undefined;
  const against = previous && { pipeline_id: previous.pipeline_id, template_version: previous.template_version };
  const comparison = previous ? { against, ...compareScores(previous.result as Score, score) } : null;
  await insertEvaluation(db, {
    organizationId: run.organization_id, pipelineId: run.id, executionId: run.execution_id!,
    templateId: run.template_id, templateVersion: run.template_version, result: { ...score, comparison },
  });
}

type PartExpectation = { index?: number; identifier?: string; expected: Record<string, unknown> };

/**
 * A split document is not scored (its parts are): each part takes the expected values its parent
 * names for it, by identifier first, else by index.
 */
export function withPartExpectations(documents: Awaited<ReturnType<typeof evaluatedDocuments>>) {
  return documents.filter((d) => d.split_count == null).map((d) => {
    const part = d.part as { index: number; identifier: string | null } | null;
    const parts = (d.parent_expected as { $parts?: PartExpectation[] } | null)?.$parts;
    if (!part || !parts || d.expected) return d;
    const match = parts.find((p) => p.identifier !== undefined && p.identifier === part.identifier)
      ?? parts.find((p) => p.identifier === undefined && p.index === part.index);
    return { ...d, expected: match?.expected ?? null };
  });
}

/** Called where a run's finish is detected; a failure only logs, since the read recomputes a missing evaluation. */
export async function evaluateFinishedRun(services: Services, run: PipelineRow | undefined) {
  if (!run || !wantsEvaluation(run.options)) return;
  await evaluateRun(services.db, run).catch((error) => services.logger.warn("evaluation failed", { pipeline_id: run.id, error: String(error) }));
}

/** The run's evaluation: computed now if the run finished but its evaluation was never stored. */
export async function runEvaluation(db: Db, run: PipelineRow) {
  let evaluation = await findEvaluation(db, run.id);
  const current = evaluation?.execution_id === run.execution_id;
  if (!current && run.status !== "running" && wantsEvaluation(run.options)) {
    await evaluateRun(db, run);
    evaluation = await findEvaluation(db, run.id);
  }
  if (!evaluation || evaluation.execution_id !== run.execution_id) return null;
  return evaluation;
}
