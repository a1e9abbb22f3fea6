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
  /** Spreadsheets: the sheet's name and the A1 reference of the cell (`"B7"`), as users cite them. */
  sheet?: string;
  cell?: string;
  /** OCR pages: the mean recognition confidence (0–1) of the words the span covers. */
  ocr_confidence?: number;
  /** A line item's index within its table field (0-based). */
  item_index?: number;
  /** The extractor's `when` entries that held for this document. */
  when?: { any?: string[]; all?: string[]; none?: string[] };
}

export interface Candidate {
  /** Raw value as found (usually a string); resolution normalises it. */
  value: unknown;
  confidence: number;
  provenance: Provenance;
}

/** One line item as found: the raw value of each column it has, and the text it was read from. */
export interface ExtractedItem {
  /** The item's source text (its row or lines); a review decision follows the item while this stays the same. */
  text: string;
  cells: Record<string, Candidate>;
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

/** OCR pages: the mean confidence of the words that overlap `[start, end)`, or null if none does. */
export function spanConfidence(words: WordBoxes, confidence: number[], start: number, end: number): number | null {
  let sum = 0;
  let count = 0;
  for (let i = firstWordEndingAfter(words, start); i < words.length && words[i] < end; i += WORD_STRIDE) {
    if (words[i + 1] <= start) continue;
    sum += confidence[i / WORD_STRIDE] ?? 0;
    count += 1;
  }
  return count > 0 ? Math.round((sum / count) * 1000) / 1000 : null;
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

/** A list item as the source marked it: numbered or bulleted, its nesting (0 outermost), its number in a numbered list. */
export interface ListItem {
  ordered: boolean;
  depth: number;
  number: number;
}

/**
 * Where a structure sits in a page's text (`[start, end)` of `pages[page]`, page 0 when absent):
 * a heading (level 1–6), a table (index into `tables`), a list item (its own lines, not its nested
 * list's), or a paragraph. Renderings (Markdown, HTML, chunks) walk marks in order and show the
 * text between them as it is; consecutive list items are one list.
 */
export interface TextMark {
  start: number;
  end: number;
  page?: number;
  heading?: number;
  table?: number;
  list?: ListItem;
  paragraph?: boolean;
}

/** A spreadsheet cell's value as the sheet holds it (a date as `YYYY-MM-DD[THH:MM:SS]`), next to the text it shows. */
export type TypedValue = string | number | boolean | null;

/**
 * A table as found in the source: an HTML/DOCX/PPTX table, a CSV, a spreadsheet's used range, or a
 * table detected on a PDF or scanned page. `header` holds the column names as printed (a header
 * printed over several lines joined with a space); `rows` the body cells as text.
 */
export interface ParsedTable {
  header: string[];
  rows: string[][];
  /** Index into `pages` of the page the table starts on (0 when absent). */
  page?: number;
  /** Tables detected on a page: their box, and each body row's box, in points (see `Box`). */
  bbox?: Box;
  row_boxes?: Box[];
  /** How a detected table was found: `lattice` (ruled grid), `stream` (aligned text), or the source's own markup. */
  method?: "lattice" | "stream" | "markup";
  /** Spreadsheets: the sheet's name and the A1 reference of the header row's first cell; body row r, column c sits at origin + (r + 1, c). */
  sheet?: string;
  origin?: string;
  /** Spreadsheets: each body cell's value as the sheet holds it, parallel to `rows`. */
  typed?: TypedValue[][];
  /** Spreadsheets: the used range's rows from its first through the header row, so `header_row` can pick another header. */
  head_rows?: { text: string[][]; typed: TypedValue[][] };
}

/** Where a page's text came from, and what it is. */
export type PageSource = "text_layer" | "ocr" | "markup" | "sheet" | "slide" | "text";

/** What a reader of a page needs beyond its text: its size, where its text came from, and its name. */
export interface PageInfo {
  source: PageSource;
  /** Size of the displayed page in points (PDFs, scans and images at their dpi); absent without a page geometry. */
  width?: number;
  height?: number;
  /** A sheet's or a slide's name. */
  name?: string;
  /** OCR pages: the engine, languages, dpi, the mean word confidence (0–1) and the rotation/skew applied (degrees). */
  ocr?: { engine: string; languages: string[]; dpi: number; confidence: number; rotation?: number; skew?: number };
}

/** Text that belongs to a page but not to its body: running headers and footers, speaker notes. */
export interface PageAside {
  page: number;
  kind: "header" | "footer" | "notes";
  text: string;
}

/** A file found inside another (an e-mail's attachment): the transfer phase makes it a child document. */
export interface EmbeddedFile {
  filename: string | null;
  mime_type: string | null;
  /** Position among the container's attachments (0-based). */
  index: number;
  /** The file's bytes, base64 (the parse is stored as JSON). */
  content_base64: string;
}

/**
 * What `transfer` leaves for later phases, whatever the input format: text per page (what extractors
 * search), and structure where the format has it. Every parser produces this one model; extractors
 * and renderings read only it.
 */
export interface ParsedDocument {
  mime_type: string;
  filename: string | null;
  pages: string[];
  /** Zero-based page number in the source of each entry of `pages` (they differ under a page_range). */
  page_numbers?: number[];
  /** One entry per entry of `pages` where the parser knows more than the text (see `PageInfo`). */
  page_info?: PageInfo[];
  tables: ParsedTable[];
  /** Where headings, tables, lists and paragraphs sit in the page texts. */
  marks?: TextMark[];
  /** PDFs and scans: one entry per entry of `pages`, that page's words (see `WordBoxes`). */
  words?: WordBoxes[];
  /** OCR pages: one confidence (0–1) per word of `words[page]`, in the same order; an empty entry for a text-layer page. */
  word_confidence?: number[][];
  /**
   * PDFs: per page, the ruling lines drawn on it (table grids), flat as `x0, y0, x1, y1` per segment
   * in points, origin top-left; each segment horizontal or vertical.
   */
  rules?: number[][];
  /** Headers, footers and speaker notes, kept apart from the page text. */
  asides?: PageAside[];
  /** E-mail: the message's attachments; transfer makes each a child document and stores the parse without them. */
  attachments?: EmbeddedFile[];
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
