import { sql } from "kysely";
import type { Db } from "../types";

/** The organization's active data products with how much of each is waiting for review. */
export async function reviewQueues(db: Db, organizationId: string) {
  return db.selectFrom("data_products as dp")
    .innerJoin("pipelines as p", "p.id", "dp.pipeline_id")
    .leftJoin("review_items as r", "r.pipeline_id", "dp.pipeline_id")
    .select((eb) => [
      "dp.id", "dp.name", "dp.updated_at",
      eb.fn.count<string>("r.id").filterWhere("r.status", "=", "open").as("open"),
      eb.fn.count<string>("r.id").as("total"),
    ])
    .where("dp.organization_id", "=", organizationId)
    .where("dp.status", "=", "active")
    .groupBy(["dp.id", "dp.name", "dp.updated_at"])
    .orderBy("dp.updated_at", "desc")
    .limit(200)
    .execute();
}

export async function reviewProduct(db: Db, organizationId: string, productId: string) {
  return db.selectFrom("data_products").select(["id", "name", "pipeline_id"])
    .where("id", "=", productId).where("organization_id", "=", organizationId).where("status", "=", "active")
    .executeTakeFirst();
}

/** Decided and total items of a run, for "n of m". */
export async function reviewProgress(db: Db, pipelineId: string) {
  const row = await db.selectFrom("review_items")
    .select((eb) => [eb.fn.countAll<string>().as("total"), eb.fn.countAll<string>().filterWhere("status", "=", "decided").as("decided")])
    .where("pipeline_id", "=", pipelineId).executeTakeFirstOrThrow();
  return { total: Number(row.total), decided: Number(row.decided) };
}

/** The open item after `after` in queue order, wrapping to the first; none when the queue is clear. */
export async function nextOpenItem(db: Db, pipelineId: string, after?: { created_at: Date; id: string }) {
  const base = db.selectFrom("review_items").select(["id"]).where("pipeline_id", "=", pipelineId).where("status", "=", "open")
    .orderBy("created_at").orderBy("id").limit(1);
  if (!after) return base.executeTakeFirst();
  const later = await base.where((eb) => eb.or([eb("created_at", ">", after.created_at),
    eb.and([eb("created_at", "=", after.created_at), eb("id", ">", after.id)])])).executeTakeFirst();
  return later ?? base.where("id", "!=", after.id).executeTakeFirst();
}

/** Everything the console shows for one item: the item, its document (text, cells) and its run's definition. */
export async function reviewItemEvidence(db: Db, organizationId: string, itemId: string) {
  return db.selectFrom("review_items as r")
    .innerJoin("documents as d", "d.id", "r.document_id")
    .innerJoin("pipelines as p", "p.id", "r.pipeline_id")
    .innerJoin("data_products as dp", "dp.pipeline_id", "r.pipeline_id")
    // A decided item says what was decided, by which key, and when.
    .leftJoin("review_decisions as x", "x.review_item_id", "r.id")
    .leftJoin("api_keys as k", "k.id", "x.decided_by")
    .select([
      "r.id", "r.field", "r.item_index", "r.item_column", "r.gate", "r.phase_index", "r.reason", "r.candidate", "r.status",
      "r.created_at", "r.pipeline_id",
      "d.id as document_id", "d.external_id", "d.filename", "d.mime_type", "d.parsed", "d.cells",
      "p.config", "dp.id as product_id", "dp.name as product_name",
      "r.decided_at", "x.decision", "x.value as decided_value", "x.comment as decided_comment", "k.name as decided_by_name",
      "k.prefix as decided_by_prefix",
    ])
    .where("r.id", "=", itemId)
    .where("r.organization_id", "=", organizationId)
    .executeTakeFirst();
}

export type ReviewItemEvidence = NonNullable<Awaited<ReturnType<typeof reviewItemEvidence>>>;

/** What the console needs to draw an item's page picture: the document's bytes as stored and how its pages were read. */
export async function reviewItemSource(db: Db, organizationId: string, itemId: string) {
  return db.selectFrom("review_items as r")
    .innerJoin("documents as d", "d.id", "r.document_id")
    .select(({ ref }) => [
      "d.source",
      sql<string | null>`${ref("d.parsed")}->>'mime_type'`.as("mime_type"),
      sql<number[] | null>`${ref("d.parsed")}->'page_numbers'`.as("page_numbers"),
      sql<Array<{ source?: string }> | null>`${ref("d.parsed")}->'page_info'`.as("page_info"),
    ])
    .where("r.id", "=", itemId)
    .where("r.organization_id", "=", organizationId)
    .executeTakeFirst();
}
