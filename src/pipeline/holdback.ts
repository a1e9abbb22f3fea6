import type { Cell } from "./types";

/**
 * Holdback: consumers see a value only once nothing withholds it. A cell parked for review
 * shows its status with a null value; a rejected cell (failed, `rejected_by_review`) likewise.
 */
export function releasedValue(cell: Cell): unknown {
  if (cell.status === "needs_review") return null;
  if (cell.status === "failed" && cell.reason?.code === "rejected_by_review") return null;
  return cell.value;
}

export function publicCell(cell: Cell) {
  return { value: releasedValue(cell), status: cell.status, ...(cell.reason ? { reason: cell.reason.code } : {}) };
}
