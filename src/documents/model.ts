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
  /** On PDFs: the union of the boxes of the words the span covers, `[x0, y0, x1, y1]` (see `WordBoxes`). */
  bbox?: Box;
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

/** `[x0, y0, x1, y1]` in PDF points, origin at the top-left of the displayed page, y growing downwards. */
export type Box = [number, number, number, number];

/**
 * The words of one page, flat to keep the stored parse small: WORD_STRIDE numbers per word, `start, end`
 * (the word's span in the page text) then its box `x0, y0, x1, y1`. A word is a run of non-blank
 * characters of the page text; words are in text order.
 */
export type WordBoxes = number[];
export const WORD_STRIDE = 6;

/** The union of the boxes of the words that overlap `[start, end)` of a page's text, or null if none does. */
export function spanBox(words: WordBoxes, start: number, end: number): Box | null {
  let box: Box | null = null;
  for (let i = firstWordEndingAfter(words, start); i < words.length && words[i] < end; i += WORD_STRIDE) {
    if (words[i + 1] <= start) continue;
    const word: Box = [words[i + 2], words[i + 3], words[i + 4], words[i + 5]];
    box = box ? unionBox(box, word) : word;
  }
  return box;
}

export const unionBox = (a: Box, b: Box): Box =>
  [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];

/** Binary search over words in text order: the offset of the first word whose end lies after `start`. */
function firstWordEndingAfter(words: WordBoxes, start: number): number {
  let low = 0;
  let high = words.length / WORD_STRIDE;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (words[mid * WORD_STRIDE + 1] <= start) low = mid + 1;
    else high = mid;
  }
  return low * WORD_STRIDE;
}

export interface TextMark {
  start: number;
  end: number;
  heading?: number;
  table?: number;
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
  /** HTML only: where headings (level 1–6) and tables (index into `tables`) sit in the text of page 0. */
  marks?: TextMark[];
  /** PDFs only: one entry per entry of `pages`, that page's words (see `WordBoxes`). */
  words?: WordBoxes[];
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
