import { sql } from "kysely";
import type { Db } from "../types";
import { cellsOf, csvLine, piecesOf, type CsvColumn } from "./csv-lines";

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

/** Archives a product and revokes every link it has, for good: reactivating it does not bring them back. */
export async function archiveDataProduct(db: Db, organizationId: string, id: string) {
  return db.transaction().execute(async (trx) => {
    const product = await trx
      .updateTable("data_products")
      .set({ status: "archived", updated_at: sql`now()` })
      .where("id", "=", id)
      .where("organization_id", "=", organizationId)
      .returningAll()
      .executeTakeFirst();
    if (!product) return undefined;
    const revoked = await trx.updateTable("share_tokens").set({ revoked_at: sql`now()` })
      .where("data_product_id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
    return { product, revokedShareTokens: Number(revoked.numUpdatedRows) };
  });
}

/** What a product's readers see: the run's published generation and when it last changed. */
export interface Published {
  generation: number;
  asOf: Date | null;
}

const SHOWN = ["complete", "partial"] as const;

/** The rows of one generation: its processed documents, in input order, keyset-paged by ordinal. */
export async function readRows(db: Db, pipelineId: string, generation: number, afterOrdinal: number, limit: number) {
  return db
    .selectFrom("document_versions")
    .select(["document_id as id", "ordinal", "external_id", "status", "cells"])
    .where("pipeline_id", "=", pipelineId)
    .where("generation", "=", generation)
    .where("status", "in", SHOWN)
    .where("ordinal", ">", afterOrdinal)
    .orderBy("ordinal")
    .limit(limit)
    .execute();
}

/** Whether a generation's rows are still kept (a cursor may name one that a later switch dropped). */
export async function generationKept(db: Db, pipelineId: string, generation: number): Promise<boolean> {
  const row = await db.selectFrom("document_versions").select("ordinal").where("pipeline_id", "=", pipelineId)
    .where("generation", "=", generation).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * One slice of the export, by ordinal range `[from, to)`, as CSV lines made by Postgres (see
 * csv-lines.ts): one text per slice, so the driver hands over one value and the process streams
 * it. Ranges rather than keysets let several slices be read at once. The lines come in the
 * index's order from the fenced subqueries (`order by` there costs nothing); ordering inside
 * string_agg would sort every slice's lines again.
 */
export async function readExportSlice(
  db: Db, pipelineId: string, generation: number, columns: CsvColumn[], from: number, to: number,
): Promise<string> {
  const result = await sql<{ text: string | null }>`
    select string_agg(${csvLine(columns)}, '') as text from (
      select ${piecesOf(columns)} from (
        select ${cellsOf(columns, (name) => sql`v.cells->${name}`)} from document_versions v
        where v.pipeline_id = ${pipelineId} and v.generation = ${generation} and v.status in ('complete', 'partial')
          and v.ordinal >= ${from} and v.ordinal < ${to} order by v.ordinal offset 0
      ) cells offset 0
    ) pieces`.execute(db);
  return result.rows[0]?.text ?? "";
}

/** The last ordinal of a generation's rows, -1 when it has none. */
export async function maxOrdinal(db: Db, pipelineId: string, generation: number): Promise<number> {
  const row = await db.selectFrom("document_versions").select((eb) => eb.fn.max("ordinal").as("max"))
    .where("pipeline_id", "=", pipelineId).where("generation", "=", generation).executeTakeFirst();
  return row?.max ?? -1;
}

export async function countRows(db: Db, pipelineId: string, generation: number): Promise<number> {
  const row = await db
    .selectFrom("document_versions")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("pipeline_id", "=", pipelineId)
    .where("generation", "=", generation)
    .where("status", "in", SHOWN)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A product can be made once some document got through: in the published rows or in the run going on. */
export async function hasProcessedDocument(db: Db, pipelineId: string): Promise<boolean> {
  const result = await sql<{ found: boolean }>`
    select exists (select 1 from document_versions v join pipelines p on p.id = v.pipeline_id
                   where p.id = ${pipelineId} and v.generation = p.published_generation
                     and v.status in ('complete', 'partial'))
        or exists (select 1 from documents
                   where pipeline_id = ${pipelineId} and status in ('complete', 'partial')) as found`.execute(db);
  return result.rows[0]?.found ?? false;
}

/** The cell of a review item: a field, or one column of one line item. */
const sameCell = (a: string, b: string) => sql.raw(`${a}.document_id = ${b}.document_id and ${a}.field = ${b}.field and ${a}.gate = ${b}.gate
  and coalesce(${a}.item_index, -1) = coalesce(${b}.item_index, -1) and coalesce(${a}.item_column, '') = coalesce(${b}.item_column, '')`);

/**
 * Rebuilds the open review queue from the verdicts stored on the current cells: one open item per
 * parked (document, field, blocking gate), or per parked (item, column, gate) of a table field;
 * open items whose cell is no longer parked are removed. Decided items stay as history.
 */
export async function rebuildReviewQueue(db: Db, organizationId: string, pipelineId: string) {
  // A child document its parent's last transfer no longer made (an older generation) parks nothing.
  const currentChild = sql`(d.parent_document_id is null or d.generation = (select p.generation from pipelines p where p.id = ${pipelineId}))`;
  await sql`
    with cells as (
      select d.id as document_id, f.key as field, null::int as item_index, null::text as item_column, f.value as cell
      from documents d cross join lateral jsonb_each(d.cells) as f(key, value)
      where d.pipeline_id = ${pipelineId} and ${currentChild}
      union all
      select d.id, f.key, (i.ordinal - 1)::int, c.key, c.value
      from documents d
      cross join lateral jsonb_each(d.cells) as f(key, value)
      cross join lateral jsonb_array_elements(case when f.value->>'type' = 'table' and jsonb_typeof(f.value->'value') = 'array'
                                                   then f.value->'value' else '[]'::jsonb end) with ordinality as i(item, ordinal)
      cross join lateral jsonb_each(i.item) as c(key, value)
      where d.pipeline_id = ${pipelineId} and ${currentChild}
    ), parked as (
      select distinct on (c.document_id, c.field, c.item_index, c.item_column, v->>'gate')
             c.document_id, c.field, c.item_index, c.item_column, v->>'gate' as gate, (v->>'phase_index')::int as phase_index,
             c.cell->'reason' as reason, c.cell->'value' as candidate
      from cells c
      cross join lateral jsonb_array_elements(coalesce(c.cell->'meta'->'verdicts', '[]'::jsonb)) as v
      where c.cell->>'status' = 'needs_review' and v->>'mode' = 'blocking' and v->>'passed' = 'false'
      order by c.document_id, c.field, c.item_index, c.item_column, v->>'gate', (v->>'phase_index')::int desc
    ), upserted as (
      insert into review_items (organization_id, pipeline_id, document_id, field, gate, phase_index, reason, candidate, item_index, item_column)
      select ${organizationId}, ${pipelineId}, document_id, field, gate, phase_index, reason, candidate, item_index, item_column from parked
      on conflict (document_id, field, gate, coalesce(item_index, -1), coalesce(item_column, '')) do update
        set reason = excluded.reason, candidate = excluded.candidate, phase_index = excluded.phase_index
        where review_items.status = 'open'
      returning id
    )
    delete from review_items r
    where r.pipeline_id = ${pipelineId} and r.status = 'open'
      and not exists (select 1 from parked p where ${sameCell("p", "r")})`.execute(db);
}
