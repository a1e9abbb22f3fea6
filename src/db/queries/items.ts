import { sql } from "kysely";
import type { Db } from "../types";

/** A cell withheld from consumers; must match `releasedValue` in pipeline/holdback.ts (the item CSV tests cover both). */
const held = (cell: ReturnType<typeof sql>) => sql`(${cell}->>'status' = 'needs_review'
  or (${cell}->>'status' = 'failed' and ${cell}->'reason'->>'code' = 'rejected_by_review'))`;

/** Where a page of items starts: after item `index` of the document at `ordinal`. */
export interface ItemCursor {
  ordinal: number;
  index: number;
}

/** Documents read per page at most: each one's table is taken out of its (possibly large) cells once. */
const DOCUMENTS_PER_PAGE = 50;
/** Documents per export slice: whole documents, so each document's items are expanded exactly once. */
const DOCUMENTS_PER_SLICE = 20;

/**
 * The items of one table field across a run's processed documents, in (document order, item
 * index) order, after a keyset cursor. The table is detoasted once per document (a materialized
 * step), not once per item. A parked or rejected table field yields its items with every cell
 * withheld, so item rows never vanish or shift while it waits for review.
 */
function itemRows(pipelineId: string, field: string, after: ItemCursor, documents: number) {
  return sql`
    with docs as materialized (
      select d.id, d.ordinal, d.cells->${field}->'value' as items, ${held(sql`(d.cells->${field})`)} as table_held
      from documents d
      where d.pipeline_id = ${pipelineId} and d.status in ('complete', 'partial') and d.ordinal >= ${after.ordinal}
      order by d.ordinal limit ${documents}
    ), items as (
      select docs.id, docs.ordinal, docs.table_held, (i.n - 1)::int as item_index, i.item
      from docs cross join lateral jsonb_array_elements(case when jsonb_typeof(docs.items) = 'array' then docs.items else '[]'::jsonb end)
        with ordinality as i(item, n)
      where (docs.ordinal, i.n - 1) > (${after.ordinal}, ${after.index})
    )`;
}

/** How a page ends: its last item, or (when it holds no items of the last document read) that document. */
export interface ItemPage<T> {
  rows: T[];
  /** Where the next page starts, or null when every document was read. */
  next: ItemCursor | null;
}

/** After every item of the document at `ordinal`. */
const afterDocument = (ordinal: number): ItemCursor => ({ ordinal, index: 2 ** 31 - 1 });

type DocumentsRead = { n: number; last: number | null; max: number };

const nextCursor = (full: boolean, last: ItemCursor | undefined, docs: DocumentsRead): ItemCursor | null => {
  if (full && last) return last;
  // Fewer items than asked: the documents read are exhausted; more may follow them.
  return docs.n === docs.max && docs.last !== null ? afterDocument(docs.last) : null;
};

/** One page of items for the rows API: each item's cells as stored, with the table cell's hold. */
export async function readItems(db: Db, pipelineId: string, field: string, after: ItemCursor, limit: number) {
  type Row = { record_id: string; ordinal: number; item_index: number; item: Record<string, unknown>; table_held: boolean };
  const result = await sql<{ page: Row[] | null; docs: number; last: number | null }>`
    ${itemRows(pipelineId, field, after, DOCUMENTS_PER_PAGE)}
    select (select json_agg(p order by p.ordinal, p.item_index) from (
              select id as record_id, ordinal, item_index, item, table_held from items
              order by ordinal, item_index limit ${limit}) p) as page,
           (select count(*) from docs)::int as docs, (select max(ordinal) from docs) as last`.execute(db);
  const { page, docs, last } = result.rows[0];
  const rows = page ?? [];
  const end = rows[rows.length - 1];
  const lastItem = end && { ordinal: end.ordinal, index: end.item_index };
  const next = nextCursor(rows.length === limit, lastItem, { n: docs, last, max: DOCUMENTS_PER_PAGE });
  return { rows, next };
}

/**
 * One slice of the item export, every item of the next few documents, as one JSON text:
 * `[record_id, item_index, ordinal, ...released column values]` per item, projected by Postgres
 * so provenance and verdicts never reach the process.
 */
export async function readItemSlice(
  db: Db, pipelineId: string, field: string, columns: string[], afterOrdinal: number,
): Promise<ItemPage<unknown[]>> {
  const values = sql.join(columns.map((c) =>
    sql`case when table_held or ${held(sql`(item->${c})`)} then null else item->${c}->'value' end`));
  const result = await sql<{ page: string | null; docs: number; last: number | null }>`
    ${itemRows(pipelineId, field, afterDocument(afterOrdinal), DOCUMENTS_PER_SLICE)}
    select (select json_agg(jsonb_build_array(id, item_index, ordinal, ${values}) order by ordinal, item_index)::text from items) as page,
           (select count(*) from docs)::int as docs, (select max(ordinal) from docs) as last`.execute(db);
  const { page, docs, last } = result.rows[0];
  const rows = page ? (JSON.parse(page) as unknown[][]) : [];
  return { rows, next: nextCursor(false, undefined, { n: docs, last, max: DOCUMENTS_PER_SLICE }) };
}
