import { readItems, type ItemCursor } from "../db/queries/items";
import type { Db } from "../db/types";
import type { CompiledField } from "../pipeline/definition";
import { publicCell } from "../pipeline/holdback";
import type { Cell } from "../pipeline/types";

/**
 * One page of a table field's items in a published generation, each with its record and index;
 * held-back cells show their status only. `next` is the last item read, or null at the end.
 */
export async function itemsPage(
  db: Db, pipelineId: string, generation: number, field: CompiledField, after: ItemCursor | null, limit: number,
) {
  const start = after ?? { ordinal: -1, index: -1 };
  const { rows, next } = await readItems(db, pipelineId, generation, field.name, start, limit);
  const items = rows.map((row) => ({
    record_id: row.record_id,
    item_index: row.item_index,
    fields: Object.fromEntries(field.columns!.map(({ name }) => {
      const shown = publicCell(row.item[name] as Cell);
      return [name, row.table_held ? { ...shown, value: null } : shown];
    })),
  }));
  return { items, next };
}
