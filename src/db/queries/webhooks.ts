import { sql } from "kysely";
import type { Db } from "../types";

/** The organization's signing secret, created on first use by whoever asks first. */
export async function ensureWebhookSecret(db: Db, organizationId: string, fresh: string): Promise<string> {
  const result = await sql<{ webhook_secret: string }>`
    update organizations set webhook_secret = coalesce(webhook_secret, ${fresh})
    where id = ${organizationId} returning webhook_secret`.execute(db);
  return result.rows[0].webhook_secret;
}

export async function setWebhookSecret(db: Db, organizationId: string, secret: string) {
  await db.updateTable("organizations").set({ webhook_secret: secret }).where("id", "=", organizationId).execute();
}

/** Everything one webhook delivery (or a finished run's events) needs, in one read: with the run's active data product. */
export async function webhookTarget(db: Db, pipelineId: string) {
  return db.selectFrom("pipelines as p").innerJoin("organizations as o", "o.id", "p.organization_id")
    .leftJoin("data_products as dp", (j) => j.onRef("dp.pipeline_id", "=", "p.id").on("dp.status", "=", "active"))
    .select(["p.id", "p.organization_id", "p.name", "p.status", "p.generation", "p.webhook_url", "p.document_count", "p.complete_count",
      "p.partial_count", "p.error_count", "p.cancelled_count", "p.finished_at", "o.webhook_secret",
      "p.published_generation", "p.published_at", "dp.id as product_id", "dp.name as product_name"])
    .where("p.id", "=", pipelineId).executeTakeFirst();
}

export async function recordWebhookAttempt(db: Db, a: {
  pipelineId: string; generation: number; event: string; attempt: number; url: string;
  statusCode: number | null; outcome: "delivered" | "retrying" | "failed"; error: string | null;
}) {
  await db.insertInto("webhook_deliveries").values({
    pipeline_id: a.pipelineId, generation: a.generation, event: a.event, attempt: a.attempt, url: a.url,
    status_code: a.statusCode, outcome: a.outcome, error: a.error,
  }).execute();
}

export async function listWebhookDeliveries(db: Db, pipelineId: string) {
  return db.selectFrom("webhook_deliveries").select(["event", "generation", "attempt", "url", "status_code", "outcome", "error", "created_at"])
    .where("pipeline_id", "=", pipelineId).orderBy("id").execute();
}

/**
 * Runs that finished between `lookbackSeconds` and `olderThanSeconds` ago with a webhook but no
 * attempt for their current generation: their message was lost (e.g. a crash before the publish).
 */
export async function findLostWebhooks(db: Db, q: { olderThanSeconds: number; lookbackSeconds: number; limit: number }) {
  return db.selectFrom("pipelines as p").select(["p.id", "p.generation"])
    .where("p.webhook_url", "is not", null)
    .where("p.finished_at", "<", sql<Date>`now() - make_interval(secs => ${q.olderThanSeconds})`)
    .where("p.finished_at", ">", sql<Date>`now() - make_interval(secs => ${q.lookbackSeconds})`)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("webhook_deliveries as w").select("w.id")
      .whereRef("w.pipeline_id", "=", "p.id").whereRef("w.generation", "=", "p.generation")
      .where("w.event", "=", "pipeline.finished"))))
    .orderBy("p.finished_at").limit(q.limit).execute();
}

/** What a `review.needed` event tells: how much of the run is parked, and its data product if it has one. */
export async function parkedSummary(db: Db, pipelineId: string) {
  const result = await sql<{ cells: string; documents: string; product_id: string | null }>`
    select count(*) as cells, count(distinct d.id) as documents,
           (select dp.id from data_products dp where dp.pipeline_id = ${pipelineId} and dp.status = 'active') as product_id
    from documents d cross join lateral jsonb_each(d.cells) as f(key, value)
    where d.pipeline_id = ${pipelineId} and f.value->>'status' = 'needs_review'`.execute(db);
  const row = result.rows[0];
  return { cells: Number(row?.cells ?? 0), documents: Number(row?.documents ?? 0), productId: row?.product_id ?? null };
}

/** The reviewed document of a `document.reviewed` event, with its decisions so far. */
export async function reviewedDocument(db: Db, documentId: string) {
  return db.selectFrom("documents as d")
    .select((eb) => ["d.id", "d.external_id", "d.filename", "d.status",
      eb.selectFrom("review_decisions as x").select((x) => x.fn.countAll<string>().as("n")).whereRef("x.document_id", "=", "d.id").as("decisions")])
    .where("d.id", "=", documentId).executeTakeFirst();
}
