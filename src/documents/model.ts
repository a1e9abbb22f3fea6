/**
 * The document model: what a parse leaves for extraction (text per page, tables, the parsed
 * JSON value), what an extractor returns (candidates with their provenance), and the error a
 * document that can never be read ends with. Parsers and extractors speak this vocabulary;
 * the pipeline imports it from here.
 */

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
}

export interface Candidate {
  /** Raw value as found (usually a string); resolution normalises it. */
  value: unknown;
  confidence: number;
  provenance: Provenance;
}

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
