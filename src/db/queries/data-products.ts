import { sql } from "kysely";
import type { Db } from "../types";

/** One product per run: a second call (even a concurrent one) reactivates the existing row. */
export async function upsertDataProduct(db: Db, p: { organizationId: string; pipelineId: string; name: string; rename: boolean }) {
  return db
    .insertInto("data_products")
    .values({ organization_id: p.organizationId, pipeline_id: p.pipelineId, name: p.name })
    .onConflict((oc) =>
      oc.column("pipeline_id").doUpdateSet((eb) => ({
        status: "active",
        updated_at: sql`now()`,
        name: p.rename ? eb.ref("excluded.name") : eb.ref("data_products.name"),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findDataProduct(db: Db, organizationId: string, id: string) {
  return db.selectFrom("data_products").selectAll().where("id", "=", id).where("organization_id", "=", organizationId).executeTakeFirst();
}

export type DataProductRow = NonNullable<Awaited<ReturnType<typeof findDataProduct>>>;

export async function listDataProducts(db: Db, organizationId: string, limit: number, offset: number) {
  const query = db.selectFrom("data_products").where("organization_id", "=", organizationId);
  const [items, total] = await Promise.all([
    query.selectAll().orderBy("created_at", "desc").orderBy("id").limit(limit).offset(offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function archiveDataProduct(db: Db, organizationId: string, id: string) {
  return db
    .updateTable("data_products")
    .set({ status: "archived", updated_at: sql`now()` })
    .where("id", "=", id)
    .where("organization_id", "=", organizationId)
    .returningAll()
    .executeTakeFirst();
}

/** Documents whose rows a data product shows: processed ones, in input order. */
export async function readRows(db: Db, pipelineId: string, afterOrdinal: number, limit: number) {
  return db
    .selectFrom("documents")
    .select(["id", "ordinal", "external_id", "status", "cells"])
    .where("pipeline_id", "=", pipelineId)
    .where("status", "in", ["complete", "partial"])
    .where("ordinal", ">", afterOrdinal)
    .orderBy("ordinal")
    .limit(limit)
    .execute();
}

/**
 * One slice of the export, by ordinal range `[from, to)`: only each field's released value,
 * projected by Postgres (no candidates, verdicts or provenance), returned as one JSON text so the
 * driver handles one row per slice. Ranges rather than keysets let several slices be read at once.
 * The holdback rule here must match `releasedValue` in pipeline/holdback.ts; the CSV tests cover both.
 */
export async function readExportSlice(db: Db, pipelineId: string, fields: string[], from: number, to: number): Promise<unknown[][]> {
  const values = sql.join(fields.map((name) => sql`case when d.cells->${name}->>'status' = 'needs_review'
      or (d.cells->${name}->>'status' = 'failed' and d.cells->${name}->'reason'->>'code' = 'rejected_by_review') then null
      else d.cells->${name}->'value' end`));
  const result = await sql<{ page: string | null }>`
    select json_agg(jsonb_build_array(${values}) order by d.ordinal)::text as page from documents d
    where d.pipeline_id = ${pipelineId} and d.status in ('complete', 'partial') and d.ordinal >= ${from} and d.ordinal < ${to}`.execute(db);
  const page = result.rows[0]?.page;
  return page ? (JSON.parse(page) as unknown[][]) : [];
}

export async function maxOrdinal(db: Db, pipelineId: string): Promise<number> {
  const row = await db.selectFrom("documents").select((eb) => eb.fn.max("ordinal").as("max")).where("pipeline_id", "=", pipelineId).executeTakeFirst();
  return row?.max ?? -1;
}

export async function countProcessed(db: Db, pipelineId: string): Promise<number> {
  const row = await db
    .selectFrom("documents")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("pipeline_id", "=", pipelineId)
    .where("status", "in", ["complete", "partial"])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Rebuilds the open review queue from the verdicts stored on the current cells: one open item per
 * parked (document, field, blocking gate); open items whose cell is no longer parked are removed.
 * Decided items stay as history.
 */
export async function rebuildReviewQueue(db: Db, organizationId: string, pipelineId: string) {
  await sql`
    with parked as (
      select distinct on (d.id, f.key, v->>'gate')
             d.id as document_id, f.key as field, v->>'gate' as gate, (v->>'phase_index')::int as phase_index,
             f.value->'reason' as reason, f.value->'value' as candidate
      from documents d
      cross join lateral jsonb_each(d.cells) as f(key, value)
      cross join lateral jsonb_array_elements(coalesce(f.value->'meta'->'verdicts', '[]'::jsonb)) as v
      where d.pipeline_id = ${pipelineId} and f.value->>'status' = 'needs_review'
        and v->>'mode' = 'blocking' and v->>'passed' = 'false'
      order by d.id, f.key, v->>'gate', (v->>'phase_index')::int desc
    ), upserted as (
      insert into review_items (organization_id, pipeline_id, document_id, field, gate, phase_index, reason, candidate)
      select ${organizationId}, ${pipelineId}, document_id, field, gate, phase_index, reason, candidate from parked
      on conflict (document_id, field, gate) do update
        set reason = excluded.reason, candidate = excluded.candidate, phase_index = excluded.phase_index
        where review_items.status = 'open'
      returning id
    )
    delete from review_items r
    where r.pipeline_id = ${pipelineId} and r.status = 'open'
      and not exists (select 1 from parked p where p.document_id = r.document_id and p.field = r.field and p.gate = r.gate)`.execute(db);
}
