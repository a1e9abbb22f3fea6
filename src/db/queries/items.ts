import { sql } from "kysely";
import type { Db } from "../types";
import { cellsOf, csvLine, heldCell as held, piecesOf, type CsvColumn } from "./csv-lines";

/** Where a page of items starts: after item `index` of the document at `ordinal`. */
export interface ItemCursor {
  ordinal: number;
  index: number;
}

/** Documents read per page at most: each one's table is taken out of its (possibly large) cells once. */
const DOCUMENTS_PER_PAGE = 50;

/** Which of a generation's rows a read takes: from the cursor's document on, up to an ordinal or a count. */
interface RowRange {
  after: ItemCursor;
  /** Exclusive end ordinal of an export slice. */
  to?: number;
  /** How many documents a page reads at most. */
  documents?: number;
}

/**
 * The items of one table field across a generation's published rows (the same rows the record
 * reads show, so items never vanish during a rerun), in (document order, item index) order, after
 * a keyset cursor. The table is detoasted once per document (a materialized step), not once per
 * item. A parked or rejected table field yields its items with every cell withheld, so item rows
 * never vanish or shift while it waits for review.
 */
function itemRows(pipelineId: string, generation: number, field: string, range: RowRange) {
  const { after } = range;
  return sql`
    with docs as materialized (
      select v.document_id as id, v.ordinal, v.cells->${field}->'value' as items,
             ${held(sql`(v.cells->${field})`)} as table_held, v.cells->${field}->>'status' as table_status
      from document_versions v
      where v.pipeline_id = ${pipelineId} and v.generation = ${generation} and v.status in ('complete', 'partial')
        and v.ordinal >= ${after.ordinal} ${range.to === undefined ? sql`` : sql`and v.ordinal < ${range.to}`}
      order by v.ordinal ${range.documents === undefined ? sql`` : sql`limit ${range.documents}`}
    ), items as (
      select docs.id, docs.ordinal, docs.table_held, docs.table_status, (i.n - 1)::int as item_index, i.item
      from docs cross join lateral jsonb_array_elements(
        case when jsonb_typeof(docs.items) = 'array' then docs.items else '[]'::jsonb end) with ordinality as i(item, n)
      where (docs.ordinal, i.n - 1) > (${after.ordinal}, ${after.index})
    )`;
}

/** After every item of the document at `ordinal`. */
const afterDocument = (ordinal: number): ItemCursor => ({ ordinal, index: 2 ** 31 - 1 });

type DocumentsRead = { n: number; last: number | null };

const nextCursor = (full: boolean, last: ItemCursor | undefined, docs: DocumentsRead): ItemCursor | null => {
  if (full && last) return last;
  // Fewer items than asked: the documents read are exhausted; more may follow them.
  return docs.n === DOCUMENTS_PER_PAGE && docs.last !== null ? afterDocument(docs.last) : null;
};

/** One page of a generation's items for the rows API: each item's cells as stored, with the table cell's hold. */
export async function readItems(
  db: Db, pipelineId: string, generation: number, field: string, after: ItemCursor, limit: number,
) {
  type Row = {
    record_id: string; ordinal: number; item_index: number; item: Record<string, unknown>; table_held: boolean;
  };
  const result = await sql<{ page: Row[] | null; docs: number; last: number | null }>`
    ${itemRows(pipelineId, generation, field, { after, documents: DOCUMENTS_PER_PAGE })}
    select (select json_agg(p order by p.ordinal, p.item_index) from (
              select id as record_id, ordinal, item_index, item, table_held from items
              order by ordinal, item_index limit ${limit}) p) as page,
           (select count(*) from docs)::int as docs, (select max(ordinal) from docs) as last`.execute(db);
  const { page, docs, last } = result.rows[0];
  const rows = page ?? [];
  const end = rows[rows.length - 1];
  const lastItem = end && { ordinal: end.ordinal, index: end.item_index };
  return { rows, next: nextCursor(rows.length === limit, lastItem, { n: docs, last }) };
}

/**
 * One slice of the item export, every item of the documents at ordinals `[from, to)`, as CSV lines
 * made by Postgres (see csv-lines.ts): `record_id, item_index, <columns…>` per item, so provenance
 * and verdicts never reach the process. A withheld table withholds every item cell, with its status.
 */
export async function readItemSlice(
  db: Db, pipelineId: string, generation: number, field: string, columns: CsvColumn[], from: number, to: number,
): Promise<string> {
  const table = { held: sql`table_held`, status: sql`table_status` };
  const result = await sql<{ text: string | null }>`
    ${itemRows(pipelineId, generation, field, { after: { ordinal: from, index: -1 }, to })}
    select string_agg(${csvLine(columns, [sql`id::text`, sql`item_index::text`])}, '' order by ordinal, item_index) as text from (
      select id, ordinal, item_index, ${piecesOf(columns, table)} from (
        select id, ordinal, item_index, table_held, table_status, ${cellsOf(columns, (column) => sql`item->${column}`)} from items offset 0
      ) cells offset 0
    ) pieces`.execute(db);
  return result.rows[0]?.text ?? "";
}
