/**
 * The domain model of a run: cells (pipe0's record model), the parsed document the phases read,
 * and the shape every phase function has. Phases are pure: the delivery handler does the I/O.
 * The document model itself lives in src/documents/model.ts; it is re-exported for the engine.
 */

import type { Candidate, Provenance } from "../documents/model";

export { PermanentPhaseError, type Candidate, type ParsedDocument, type ParsedTable, type Provenance } from "../documents/model";

export { FIELD_TYPES, RESERVED_NAMES, TABLE_TYPE, type FieldKind, type FieldType } from "../documents/field-types";
import type { FieldKind } from "../documents/field-types";

export const PHASE_TYPES = ["transfer", "extraction", "resolution", "validation"] as const;
export type PhaseType = (typeof PHASE_TYPES)[number];

export const CELL_STATUSES = ["pending", "queued", "processing", "completed", "no_result", "failed", "needs_review"] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/** Present exactly for `failed`, `no_result` and `needs_review`. */
export interface Reason {
  code: string;
  summary: string;
  message: string;
}

export interface Verdict {
  gate: string;
  rule: string;
  mode: "blocking" | "warning";
  passed: boolean;
  phase_index: number;
  message?: string;
}

export interface CellMeta {
  candidates?: Candidate[];
  provenance?: Provenance;
  confidence?: number;
  verdicts?: Verdict[];
  [key: string]: unknown;
}

export interface Cell {
  value: unknown;
  status: CellStatus;
  type: FieldKind;
  reason: Reason | null;
  claimed_by: string | null;
  /** Non-null exactly when `completed`: `extraction:<extractor>`, `derived`, `input` or `review`. */
  resolved_by: string | null;
  meta: CellMeta;
}

export type Cells = Record<string, Cell>;

/** One line item of a `table` field: a cell per column. The field's cell holds them as its value. */
export type Item = Record<string, Cell>;
