import { sql, type RawBuilder, type Transaction } from "kysely";
import type { Database, Db, TriggeredBy } from "../types";
import { usageSumSql } from "./llm-answers";

export interface NewExecution {
  id: string;
  organizationId: string;
  pipelineId: string;
  generation: number;
  triggeredBy: TriggeredBy;
  triggerRef: string | null;
  context: unknown;
  inputConfig: Record<string, unknown>;
}

/** The first execution of a run: the root of its tree. */
export async function insertRootExecution(trx: Transaction<Database>, e: NewExecution) {
  const row = await trx.insertInto("executions").values({
    id: e.id, organization_id: e.organizationId, pipeline_id: e.pipelineId, root_id: e.id, depth: 0, generation: e.generation,
    triggered_by: e.triggeredBy, trigger_ref: e.triggerRef, context: e.context === undefined ? null : JSON.stringify(e.context),
    input_config: JSON.stringify(e.inputConfig),
  }).returningAll().executeTakeFirstOrThrow();
  await trx.updateTable("pipelines").set({ execution_id: e.id }).where("id", "=", e.pipelineId).execute();
  return row;
}

export interface ChildExecution {
  pipelineId: string;
  generation: number;
  triggeredBy: TriggeredBy;
  triggerRef: string | null;
  fromPhaseIndex: number;
  inputConfig: Record<string, unknown>;
}

/**
 * A rerun as a child of the run's current execution, in one statement: it inherits the root and
 * the caller's context, sits one level deeper, and becomes the run's current execution.
 */
export async function insertChildExecution(trx: Transaction<Database>, c: ChildExecution) {
  const result = await sql<{ id: string }>`
    with parent as (
      select e.* from pipelines p join executions e on e.id = p.execution_id where p.id = ${c.pipelineId}
    ), child as (
      insert into executions (organization_id, pipeline_id, parent_id, root_id, depth, generation, triggered_by,
                              trigger_ref, from_phase_index, context, input_config)
      select organization_id, pipeline_id, id, root_id, depth + 1, ${c.generation}, ${c.triggeredBy}, ${c.triggerRef},
             ${c.fromPhaseIndex}, context, ${JSON.stringify(c.inputConfig)}::jsonb
      from parent
      returning id
    )
    update pipelines set execution_id = (select id from child) where id = ${c.pipelineId}
    returning execution_id as id`.execute(trx);
  return result.rows[0].id;
}

/**
 * A CTE body that closes the run's current execution when `finished` holds, copying the run's
 * final status; used inside the statements that already detect the finish (no extra round trip).
 */
export const closeExecutionSql = (pipe: RawBuilder<unknown>, when: RawBuilder<unknown>, currentNotes: string | null = null) => sql`
  update executions e set status = ${pipe}.status, completed_at = now(),
    observability = ${usageSumSql(sql`e.id`, currentNotes)},
    error = case when ${pipe}.status = 'failed'
                 then jsonb_build_object('code', 'all_documents_failed', 'message', 'every document ended in error') end,
    outcome = jsonb_build_object(
      'row_count', ${pipe}.complete_count + ${pipe}.partial_count,
      'summary', format('%s of %s documents processed: %s complete, %s partial, %s error, %s cancelled',
                        ${pipe}.complete_count + ${pipe}.partial_count, ${pipe}.document_count, ${pipe}.complete_count,
                        ${pipe}.partial_count, ${pipe}.error_count, ${pipe}.cancelled_count))
  from ${pipe} where e.id = ${pipe}.execution_id and ${pipe}.pending_count = 0 and ${when}`;

/** The run columns `closeExecutionSql` reads from the CTE that updated the run. */
export const CLOSING_COLUMNS = sql.raw(
  "p.id, p.status, p.pending_count, p.execution_id, p.document_count, p.complete_count, p.partial_count, p.error_count, p.cancelled_count",
);

export async function findExecution(db: Db, id: string) {
  return db.selectFrom("executions").selectAll().where("id", "=", id).executeTakeFirst();
}

export type ExecutionRow = NonNullable<Awaited<ReturnType<typeof findExecution>>>;

/** Every execution of the tree rooted at `rootId`, parents before children. */
export async function listExecutionTree(db: Db, organizationId: string, rootId: string, rootOnly: boolean) {
  let query = db.selectFrom("executions").selectAll().where("organization_id", "=", organizationId).where("root_id", "=", rootId);
  if (rootOnly) query = query.where("parent_id", "is", null);
  return query.orderBy("depth").orderBy("started_at").orderBy("id").execute();
}

/** One row per phase the execution ran: its steps over all documents, without retried attempts. */
export async function phaseStepSummary(db: Db, pipelineId: string, executionId: string) {
  const result = await sql<{
    phase_index: number; completed: number; failed: number; cancelled: number; retrying: number;
    started_at: Date | null; finished_at: Date | null; lookup_keys: string[] | null; error_message: string | null;
  }>`
    select s.phase_index,
           count(*) filter (where s.status = 'completed')::int as completed,
           count(*) filter (where s.status = 'failed')::int as failed,
           count(*) filter (where s.status = 'cancelled')::int as cancelled,
           count(*) filter (where s.status = 'retrying')::int as retrying,
           min(s.started_at) as started_at, max(s.finished_at) filter (where s.status <> 'retrying') as finished_at,
           (array_agg(distinct s.lookup_key) filter (where s.lookup_key is not null))[1:2] as lookup_keys,
           (array_agg(s.error->>'message' order by s.id) filter (where s.status = 'failed'))[1] as error_message
    from steps s where s.pipeline_id = ${pipelineId} and s.execution_id = ${executionId}
    group by s.phase_index order by s.phase_index`.execute(db);
  return result.rows;
}

/** Which phases have a stored output (the checkpoint a rerun from the next phase resumes from), by generation. */
export async function storedCheckpoints(db: Db, pipelineId: string) {
  const result = await sql<{ phase_index: number; generation: number; documents: number }>`
    select s.phase_index, max(s.generation)::int as generation, count(*)::int as documents
    from document_phases s join documents d on d.id = s.document_id
    where d.pipeline_id = ${pipelineId} group by s.phase_index`.execute(db);
  return result.rows;
}
