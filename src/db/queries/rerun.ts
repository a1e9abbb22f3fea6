import { sql, type Transaction } from "kysely";
import type { Database } from "../types";

/** Row-locks the run and tells whether any document is still in flight. */
export async function lockForRerun(trx: Transaction<Database>, pipelineId: string) {
  const result = await sql<{ generation: number; in_flight: number }>`
    select p.generation,
           (select count(*) from documents d where d.pipeline_id = p.id and d.status in ('queued', 'processing'))::int as in_flight
    from pipelines p where p.id = ${pipelineId} for update`.execute(trx);
  return result.rows[0];
}

/**
 * Puts every document back to the start phase (the rerun's phase, or the earlier one where the
 * document stopped: its first unfinished phase) with the cells its previous phase stored, under a
 * new generation, and resets the run's counters. Snapshots from the start phase on are dropped:
 * those phases run again. Published rows stay: readers see them until the rerun finishes.
 */
export async function resetForRerun(trx: Transaction<Database>, pipelineId: string, fromPhaseIndex: number, generation: number, initialCells: unknown) {
  // From transfer, only the run's inputs restart: their transfers make their child documents again.
  // From a later phase, the current documents restart, but a split document stays done: its parts
  // are what the later phases read. A child no transfer made in the last generation stays behind.
  const current = sql`(d.parent_document_id is null or d.generation = ${generation - 1})`;
  const restarts = fromPhaseIndex === 0 ? sql`d.parent_document_id is null` : sql`${current} and d.split_count is null`;
  const splitDone = await sql<{ count: number }>`
    select count(*)::int as count from documents d
    where d.pipeline_id = ${pipelineId} and ${fromPhaseIndex > 0} and ${current} and d.split_count is not null`.execute(trx);
  const done = splitDone.rows[0].count;
  const reset = await sql<{ id: string; phase_index: number }>`
    update documents d set generation = ${generation}, status = 'queued', error = null, updated_at = now(), swept_at = null,
      phase_index = least(${fromPhaseIndex}::int, d.phase_index),
      cells = coalesce((select s.cells from document_phases s
                        where s.document_id = d.id and s.phase_index = least(${fromPhaseIndex}::int, d.phase_index) - 1),
                       ${JSON.stringify(initialCells)}::jsonb)
    where d.pipeline_id = ${pipelineId} and ${restarts}
    returning d.id, d.phase_index`.execute(trx);
  await sql`delete from document_phases s using documents d
            where s.document_id = d.id and d.pipeline_id = ${pipelineId} and s.phase_index >= d.phase_index`.execute(trx);
  // Rows of a cancelled or failed rerun were never published and never will be.
  await sql`delete from document_versions v using pipelines p
            where p.id = ${pipelineId} and v.pipeline_id = p.id and v.generation > p.published_generation`.execute(trx);
  await sql`update documents d set generation = ${generation}
            where d.pipeline_id = ${pipelineId} and ${fromPhaseIndex > 0} and ${current} and d.split_count is not null`.execute(trx);
  await sql`update pipelines set generation = ${generation}, status = 'running', pending_count = ${reset.rows.length},
              document_count = ${reset.rows.length + done}, complete_count = ${done}, partial_count = 0, error_count = 0, cancelled_count = 0, cancel_requested = false,
              finished_at = null, queue_messages = queue_messages + ${reset.rows.length}, updated_at = now()
            where id = ${pipelineId}`.execute(trx);
  await trx.insertInto("pipeline_events").values({
    pipeline_id: pipelineId, type: "pipeline.rerun", data: JSON.stringify({ generation, from_phase_index: fromPhaseIndex }),
  }).execute();
  return reset.rows;
}
