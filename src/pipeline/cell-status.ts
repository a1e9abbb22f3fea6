import { heldByReview, reason } from "./cells";
import type { Cell, Reason } from "./types";

interface DocumentState {
  status: string;
  error: unknown;
}

const documentError = (error: unknown): Reason => {
  const e = (error ?? {}) as { code?: string; message?: string; phase_index?: number };
  const where = e.phase_index === undefined ? "" : ` in phase ${e.phase_index}`;
  const summary = `the document failed${where}${e.code ? ` (${e.code})` : ""}`;
  return reason("document_error", summary, e.message ?? "the document ended in error");
};

const CANCELLED = reason(
  "cancelled", "the run was cancelled before this cell was final", "cancelled before every phase ran for this document",
);

/**
 * A cell as its document's state makes it true (DESIGN.md §2). While the document is in flight its
 * cells are `queued`/`processing`: not final, no value. A document that ended in `error` or
 * `cancelled` leaves no cell pending: what a reviewer decided or parked, and what a phase already
 * failed or found nothing for, stays; every other cell is `failed` (`document_error`) or
 * `no_result` (`cancelled`) — its value never passed every phase, so it is not released.
 */
export function truthfulCell(cell: Cell, document: DocumentState): Cell {
  const { status } = document;
  if (status === "queued" || status === "processing") {
    return { ...cell, value: null, status, reason: null, resolved_by: null, meta: {} };
  }
  if (status !== "error" && status !== "cancelled") return cell;
  const settled = heldByReview(cell) || cell.status === "failed" || cell.status === "no_result";
  if (settled) return cell;
  const why = status === "error" ? documentError(document.error) : CANCELLED;
  return { ...cell, value: null, status: status === "error" ? "failed" : "no_result", reason: why, resolved_by: null };
}
