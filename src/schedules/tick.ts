import { findPipeline } from "../db/queries/pipelines";
import { claimTick, dueSchedules, settleTick } from "../db/queries/schedules";
import type { Services } from "../http/env";
import { rerunPipeline, RunInFlightError } from "../pipeline/rerun";
import type { PhaseType } from "../pipeline/types";
import { nextRun, parseCron } from "./cron";

export interface TickSummary {
  fired: number;
  skipped: number;
  failed: number;
}

/**
 * Fires every due schedule once, through the same rerun code as `POST /v1/pipelines/{id}/rerun`.
 * Called by the Workers cron trigger, the Node timer and the signed QStash-schedule endpoint; any
 * number may overlap, because each due time is claimed before it fires.
 */
export async function runDueSchedules(services: Services): Promise<TickSummary> {
  const now = services.clock.now();
  const summary: TickSummary = { fired: 0, skipped: 0, failed: 0 };
  for (const schedule of await dueSchedules(services.db, now)) {
    const dueAt = schedule.next_run_at!;
    // From now, not from the due time: a scheduler that was down fires a missed schedule once, not once per miss.
    const next = nextRun(parseCron(schedule.cron), now, schedule.timezone);
    const tickId = await claimTick(services.db, schedule.id, dueAt, next);
    if (tickId === undefined) continue;
    const { outcome, detail } = await fire(services, schedule);
    summary[outcome]++;
    await settleTick(services.db, tickId, outcome, detail);
  }
  return summary;
}

async function fire(services: Services, schedule: { id: string; organization_id: string; pipeline_id: string; from_phase: string }) {
  try {
    const pipeline = await findPipeline(services.db, schedule.organization_id, schedule.pipeline_id);
    if (!pipeline) return { outcome: "failed" as const, detail: "the pipeline no longer exists" };
    const { enqueued } = await rerunPipeline(services, pipeline, schedule.from_phase as PhaseType, { by: "schedule", scheduleId: schedule.id });
    return { outcome: "fired" as const, detail: `${enqueued} documents enqueued` };
  } catch (error) {
    if (error instanceof RunInFlightError) return { outcome: "skipped" as const, detail: "documents still processing" };
    services.logger.warn("scheduled rerun failed", { pipeline_id: schedule.pipeline_id, error: String(error) });
    return { outcome: "failed" as const, detail: error instanceof Error ? error.message : String(error) };
  }
}
