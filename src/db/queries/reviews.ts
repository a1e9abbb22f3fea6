import { sql, type Transaction } from "kysely";
import type { Database, Db, Decision } from "../types";

export async function listReviewItems(db: Db, pipelineId: string, status: "open" | "decided" | undefined, limit: number, offset: number) {
  let query = db
    .selectFrom("review_items as r")
    .innerJoin("documents as d", "d.id", "r.document_id")
    .leftJoin("review_decisions as x", (join) => join.onRef("x.review_item_id", "=", "r.id"))
    .where("r.pipeline_id", "=", pipelineId);
  if (status) query = query.where("r.status", "=", status);
  return query
    .select([
      "r.id", "r.document_id", "d.external_id", "d.filename", "r.field", "r.item_index", "r.item_column as column",
      "r.gate", "r.phase_index", "r.reason", "r.candidate",
      "r.status", "r.created_at", "r.decided_at", "x.decision", "x.value as decided_value", "x.comment", "x.decided_by",
    ])
    .orderBy("r.created_at")
    .orderBy("r.id")
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Locks an open-or-decided item of this organization, with its run's snapshot and the current cell. */
export async function lockReviewItem(trx: Transaction<Database>, organizationId: string, itemId: string) {
  return trx
    .selectFrom("review_items as r")
    .innerJoin("documents as d", "d.id", "r.document_id")
    .innerJoin("pipelines as p", "p.id", "r.pipeline_id")
    .leftJoin("data_products as dp", "dp.pipeline_id", "r.pipeline_id")
    .select(["r.id", "r.pipeline_id", "r.document_id", "r.field", "r.item_index", "r.item_column", "r.gate", "r.phase_index",
      "r.status", "d.cells", "d.status as document_status", "p.config", "p.webhook_url", "p.generation", "p.options", "dp.status as product_status",
      "dp.id as product_id", "dp.name as product_name"])
    .where("r.id", "=", itemId)
    .where("r.organization_id", "=", organizationId)
    .forUpdate("r")
    .forUpdate("d")
    .executeTakeFirst();
}

export async function insertDecision(
  trx: Transaction<Database>,
  d: {
    organizationId: string; pipelineId: string; documentId: string; itemId: string; field: string; gate: string; decision: Decision;
    value: unknown; comment: string | null; keyId: string; item?: { index: number; column: string; text: string | null };
  },
) {
  return trx
    .insertInto("review_decisions")
    .values({
      organization_id: d.organizationId, pipeline_id: d.pipelineId, document_id: d.documentId, review_item_id: d.itemId, field: d.field, gate: d.gate,
      decision: d.decision, value: d.value === undefined ? null : JSON.stringify(d.value), comment: d.comment, decided_by: d.keyId,
      item_index: d.item?.index ?? null, item_column: d.item?.column ?? null, item_text: d.item?.text ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Writes the decided cell into the current cells and into every stored phase snapshot from the
 * gate's phase on, so a rerun that reuses those snapshots keeps the decision. An item cell sits at
 * `{field, value, item_index, column}`.
 */
export async function applyDecidedCell(
  trx: Transaction<Database>, documentId: string, field: string, fromPhase: number, cell: unknown, item?: { index: number; column: string },
) {
  const steps = [field, ...(item ? ["value", String(item.index), item.column] : [])];
  const path = sql.raw(`'{${steps.map((step) => step.replace(/[^A-Za-z0-9_]/g, "")).join(",")}}'`);
  const value = JSON.stringify(cell);
  await sql`update documents set cells = jsonb_set(cells, ${path}, ${value}::jsonb), updated_at = now() where id = ${documentId}`.execute(trx);
  await sql`update document_phases set cells = jsonb_set(cells, ${path}, ${value}::jsonb)
            where document_id = ${documentId} and phase_index >= ${fromPhase} and cells ? ${field}`.execute(trx);
}

export async function listDecisions(db: Db, pipelineId: string, limit: number, afterId: string | undefined) {
  let query = db.selectFrom("review_decisions").selectAll().where("pipeline_id", "=", pipelineId);
  if (afterId) query = query.where("id", ">", afterId);
  return query.orderBy("id").limit(limit).execute();
}

/**
 * A decision on a finished document also changes its row of the current generation; when that
 * generation is the published one, its `published_at` moves on, so readers' ETags change.
 */
export async function applyDecisionToVersion(
  trx: Transaction<Database>, documentId: string, cells: unknown, status: string,
) {
  // The published generation and its new "as of" when the row readers see changed; none otherwise.
  const released = await sql<{ generation: number; published_at: Date | string }>`
    with version as (
      update document_versions v set cells = ${JSON.stringify(cells)}::jsonb,
        status = case when ${status} in ('complete', 'partial') then ${status} else v.status end
      from documents d where d.id = ${documentId} and v.pipeline_id = d.pipeline_id and v.ordinal = d.ordinal
        and v.generation = d.generation
      returning v.pipeline_id, v.generation
    )
    update pipelines p set published_at = now() from version
    where p.id = version.pipeline_id and p.published_generation = version.generation
    returning p.published_generation as generation, p.published_at`.execute(trx);
  return released.rows[0];
}

export async function countOpenItems(trx: Transaction<Database>, documentId: string): Promise<number> {
  const row = await trx.selectFrom("review_items").select((eb) => eb.fn.countAll<string>().as("n"))
    .where("document_id", "=", documentId).where("status", "=", "open").executeTakeFirstOrThrow();
  return Number(row.n);
}
