import { ApiError } from "../errors";
import type { CompiledField, CompiledPipeline } from "../pipeline/definition";
import { columnField, itemsOf, itemTexts } from "../pipeline/items";
import type { Cell, Cells } from "../pipeline/types";

interface ReviewTarget {
  /** What an override must fit: the field, or the item's column as a field of its type. */
  field: CompiledField;
  label: string;
  cell: Cell;
  /** Set for an item cell: its index, column, and the item's source text the decision will follow. */
  item?: { index: number; column: string; text: string | null };
  /** The field's cell with the decided cell put back in its place. */
  within(decided: Cell): Cell;
}

/** The cell a review item stands for: a whole field's, or one column of one line item of a table field. */
export function reviewedCell(
  pipeline: CompiledPipeline, cells: Cells, item: { field: string; item_index: number | null; item_column: string | null },
): ReviewTarget {
  const field = pipeline.fields.find((f) => f.name === item.field);
  if (!field) throw new ApiError("conflict", "the field of this review item no longer exists");
  if (item.item_index === null || item.item_column === null) {
    return { field, label: `field '${field.name}'`, cell: cells[field.name], within: (decided) => decided };
  }
  const { item_index: index, item_column: name } = item;
  const column = field.columns?.find((c) => c.name === name);
  const items = itemsOf(cells[field.name]);
  if (!column || !items[index]?.[name]) throw new ApiError("conflict", "the line item of this review item no longer exists");
  return {
    field: columnField(column),
    label: `column '${field.name}.${name}'`,
    cell: items[index][name],
    item: { index, column: name, text: itemTexts(cells[field.name])[index] ?? null },
    within: (decided) => ({ ...cells[field.name], value: items.map((it, i) => (i === index ? { ...it, [name]: decided } : it)) }),
  };
}

/** Nothing to release: approving it would publish an empty `completed` cell. */
export const isEmptyValue = (value: unknown) =>
  value === null || value === undefined || (typeof value === "string" && value.trim() === "");
