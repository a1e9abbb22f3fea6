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

export function publicCell(cell: Cell) {
  return { value: releasedValue(cell), status: cell.status, ...(cell.reason ? { reason: cell.reason.code } : {}) };
}
