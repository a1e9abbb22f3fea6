import { insertChildExecution } from "../db/queries/executions";
import { lockForRerun, resetForRerun } from "../db/queries/rerun";
import type { PipelineRow } from "../db/queries/pipelines";
import { ApiError, badRequest } from "../errors";
import type { Services } from "../http/env";
import { initialCells, phaseIndexOf, type CompiledPipeline } from "./definition";
import { publishPhase } from "./messages";
import type { PhaseType } from "./types";

/** A 400 for the caller; for a schedule it means "skip this tick", not "this schedule is broken". */
export class RunInFlightError extends ApiError {
  constructor(inFlight: number) {
    super("bad_request", `${inFlight} documents are still processing; rerun when the run has finished`);
  }
}

/**
 * Reruns a finished run from the first phase of a type: earlier phases are not executed and their
 * stored cells are reused as they are; that phase and all later ones run again under a new
 * generation, so messages of the old generation are ignored. A document that never finished the
 * phases before it (it errored or was cancelled earlier) restarts from its first unfinished phase,
 * so a rerun from transfer fetches again documents whose URL was down. Reviewer decisions live in their own
 * log and are consulted again by every validation phase that runs.
 */
/** What started a rerun: a caller, or a schedule (named by its id). */
export type RerunTrigger = { by: "rerun" } | { by: "schedule"; scheduleId: string };

export async function rerunPipeline(services: Services, pipeline: PipelineRow, fromPhase: PhaseType, trigger: RerunTrigger = { by: "rerun" }) {
  const config = pipeline.config as unknown as CompiledPipeline;
  const fromPhaseIndex = phaseIndexOf(config, fromPhase);
  if (fromPhaseIndex < 0) throw badRequest(`this run has no ${fromPhase} phase`, [{ path: "from_phase", message: `no phase of type '${fromPhase}'` }]);
  const { generation, documents } = await services.db.transaction().execute(async (trx) => {
    const state = await lockForRerun(trx, pipeline.id);
    if (state.in_flight > 0) throw new RunInFlightError(state.in_flight);
    const generation = state.generation + 1;
    // The rerun is a child execution of the one it reruns; the run keeps its id.
    await insertChildExecution(trx, {
      pipelineId: pipeline.id, generation, triggeredBy: trigger.by, triggerRef: trigger.by === "schedule" ? trigger.scheduleId : null,
      fromPhaseIndex, inputConfig: { from_phase: fromPhase },
    });
    return { generation, documents: await resetForRerun(trx, pipeline.id, fromPhaseIndex, generation, initialCells(config)) };
  });
  for (const doc of documents) {
    await publishPhase(services, { pipeline_id: pipeline.id, document_id: doc.id, phase_index: doc.phase_index, generation }, pipeline.organization_id)
      .catch((error) => services.logger.warn("publish failed; the sweep will recover", { document_id: doc.id, error: String(error) }));
  }
  return { enqueued: documents.length, fromPhaseIndex };
}
