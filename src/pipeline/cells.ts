import type { Cell, CellMeta, Reason } from "./types";

export const reason = (code: string, summary: string, message = summary): Reason => ({ code, summary, message });

/**
 * A cell a gate parked, or a reviewer decided, is not recomputed by extraction or resolution:
 * the reviewer's decision and the gate's hold stay until validation runs again for that gate.
 */
export const heldByReview = (cell: Cell) =>
  cell.status === "needs_review" || cell.resolved_by === "review" || cell.reason?.code === "rejected_by_review";

export const completed = (cell: Cell, value: unknown, resolvedBy: string, meta: CellMeta): Cell =>
  ({ ...cell, value, status: "completed", reason: null, resolved_by: resolvedBy, meta });

export const unresolved = (cell: Cell, status: "no_result" | "failed", why: Reason, meta: CellMeta = cell.meta): Cell =>
  ({ ...cell, value: null, status, reason: why, resolved_by: null, meta });

export interface AppliedDecision {
  decision: "approve" | "override" | "reject" | "confirm_absent";
  value?: unknown;
  comment?: string | null;
}

/**
 * What a reviewer's decision does to a cell (DESIGN.md §2): approve releases, override replaces, reject withholds,
 * confirm_absent records that the document does not hold the value (`no_result`, never `completed` with nothing).
 */
export function decidedCell(cell: Cell, decision: AppliedDecision): Cell {
  if (decision.decision === "confirm_absent") {
    const message = decision.comment || "a reviewer confirmed the document does not hold this value";
    return { ...cell, value: null, status: "no_result", resolved_by: "review", reason: reason("confirmed_absent", "not in the document", message) };
  }
  if (decision.decision === "reject") {
    const message = decision.comment || "rejected by a reviewer";
    return { ...cell, value: null, status: "failed", resolved_by: null, reason: reason("rejected_by_review", "rejected by a reviewer", message) };
  }
  const value = decision.decision === "override" ? decision.value : cell.value;
  return { ...cell, value, status: "completed", resolved_by: "review", reason: null };
}
