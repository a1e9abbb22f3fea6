import type { Cell } from "./types";

/**
 * Holdback: consumers see a value only once nothing withholds it. A cell parked for review
 * shows its status with a null value; a rejected cell (failed, `rejected_by_review`) likewise.
 */
export const withholds = (cell: Cell) =>
  cell.status === "needs_review" || (cell.status === "failed" && cell.reason?.code === "rejected_by_review");

export function releasedValue(cell: Cell): unknown {
  return withholds(cell) ? null : cell.value;
}

/** A table field's released value: its items, each item cell released on its own. */
export function releasedItems(cell: Cell): Array<Record<string, Cell>> | null {
  const items = releasedValue(cell);
  if (!Array.isArray(items)) return null;
  return (items as Array<Record<string, Cell>>).map((item) =>
    Object.fromEntries(Object.entries(item).map(([column, c]) => [column, { ...c, value: releasedValue(c) }])));
}

/** On a row, a table field shows how many items it holds; `?table=<field>` reads the items themselves. */
export function publicCell(cell: Cell) {
  const value = cell.type === "table" ? (Array.isArray(releasedValue(cell)) ? (cell.value as unknown[]).length : null) : releasedValue(cell);
  return { value, status: cell.status, ...(cell.reason ? { reason: cell.reason.code } : {}) };
}
