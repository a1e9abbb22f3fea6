/**
 * The domain model of a run: cells (pipe0's record model), the parsed document the phases read,
 * and the shape every phase function has. Phases are pure: the delivery handler does the I/O.
 */

export const FIELD_TYPES = ["string", "number", "integer", "boolean", "date", "currency", "enum", "json"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

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

/**
 * Where a candidate came from: the extractor, the zero-based page and the character span within
 * that page's text; structured sources name their table cell or JSON pointer instead of a span.
 */
export interface Provenance {
  extractor: string;
  page: number;
  start?: number;
  end?: number;
  table?: number;
  row?: number;
  column?: string;
  pointer?: string;
  key?: string;
  /** The extractor's `when` entries that held for this document. */
  when?: { any?: string[]; all?: string[]; none?: string[] };
}

export interface Candidate {
  /** Raw value as found (usually a string); resolution normalises it. */
  value: unknown;
  confidence: number;
  provenance: Provenance;
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
  type: FieldType;
  reason: Reason | null;
  claimed_by: string | null;
  /** Non-null exactly when `completed`: `extraction:<extractor>`, `derived`, `input` or `review`. */
  resolved_by: string | null;
  meta: CellMeta;
}

export type Cells = Record<string, Cell>;

export interface ParsedTable {
  header: string[];
  rows: string[][];
}

/** What `transfer` leaves for later phases: text per page, plus structure where the format has it. */
export interface ParsedDocument {
  mime_type: string;
  filename: string | null;
  pages: string[];
  /** Zero-based page number in the source of each entry of `pages` (they differ under a page_range). */
  page_numbers?: number[];
  tables: ParsedTable[];
  /** The parsed value for JSON inputs, for `json_pointer`. */
  json?: unknown;
  content_hash: string;
}

/** Thrown by a phase for an input that can never succeed: no retry, the document ends in `error`. */
export class PermanentPhaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
