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

/**
 * The items of one table field across a run's processed documents, in (document order, item
 * index) order, from a keyset cursor. A parked or rejected table field yields its items with every
 * cell withheld, so item rows never vanish or shift while it waits for review.
 */
function itemRows(pipelineId: string, field: string, after: ItemCursor) {
  const table = sql`d.cells->${field}`;
  return sql`
    from documents d
    cross join lateral jsonb_array_elements(case when jsonb_typeof(${table}->'value') = 'array' then ${table}->'value' else '[]'::jsonb end)
      with ordinality as i(item, n)
    where d.pipeline_id = ${pipelineId} and d.status in ('complete', 'partial') and d.ordinal >= ${after.ordinal}
      and (d.ordinal, i.n - 1) > (${after.ordinal}, ${after.index})`;
}

/** One page of items for the rows API: each item's cells as stored, with the table cell's hold. */
export async function readItems(db: Db, pipelineId: string, field: string, after: ItemCursor, limit: number) {
  const result = await sql<{ record_id: string; ordinal: number; item_index: number; item: Record<string, unknown>; table_held: boolean }>`
    select d.id as record_id, d.ordinal, (i.n - 1)::int as item_index, i.item, ${held(sql`(d.cells->${field})`)} as table_held
    ${itemRows(pipelineId, field, after)}
    order by d.ordinal, i.n limit ${limit}`.execute(db);
  return result.rows;
}

/**
 * One slice of the item export as one JSON text: `[record_id, item_index, ordinal, ...released column values]`
 * per item, projected by Postgres so provenance and verdicts never reach the process.
 */
export async function readItemSlice(db: Db, pipelineId: string, field: string, columns: string[], after: ItemCursor, limit: number) {
  const tableHeld = held(sql`(d.cells->${field})`);
  const values = sql.join(columns.map((c) => sql`case when ${tableHeld} or ${held(sql`(i.item->${c})`)} then null else i.item->${c}->'value' end`));
  const result = await sql<{ page: string | null }>`
    select json_agg(row order by ordinal, item_index)::text as page from (
      select jsonb_build_array(d.id, i.n - 1, d.ordinal, ${values}) as row, d.ordinal, i.n - 1 as item_index
      ${itemRows(pipelineId, field, after)}
      order by d.ordinal, i.n limit ${limit}) page`.execute(db);
  const page = result.rows[0]?.page;
  return page ? (JSON.parse(page) as unknown[][]) : [];
}
