import { readItems } from "../db/queries/items";
import type { Db } from "../db/types";
import type { CompiledField } from "../pipeline/definition";
import { publicCell } from "../pipeline/holdback";
import type { Cell } from "../pipeline/types";

/** `i<ordinal>.<item_index>`: the last item of a page; the next page starts after it. */
export const ITEM_CURSOR = /^i(\d{1,9})\.(\d{1,10})$/;

/** One page of a table field's items, each with its record and index; held-back cells show their status only. */
export async function itemsPage(db: Db, pipelineId: string, field: CompiledField, cursor: string | undefined, limit: number) {
  const match = cursor ? ITEM_CURSOR.exec(cursor) : null;
  const after = match ? { ordinal: Number(match[1]), index: Number(match[2]) } : { ordinal: -1, index: -1 };
  const { rows, next } = await readItems(db, pipelineId, field.name, after, limit);
  const items = rows.map((row) => ({
    record_id: row.record_id,
    item_index: row.item_index,
    fields: Object.fromEntries(field.columns!.map(({ name }) => {
      const cell = row.item[name] as Cell;
      const shown = publicCell(cell);
      return [name, row.table_held ? { ...shown, value: null } : shown];
    })),
  }));
  return { items, next_cursor: next ? `i${next.ordinal}.${next.index}` : null };
}
