/**
 * Tables found on PDF pages without any definition, for `content?format=markdown|json` and for
 * `table: N` by position: ruled grids, then runs of lines whose text stands in aligned cells.
 */
import type { ParsedTable, WordBoxes } from "../model";
import { tableColumns } from "./columns";
import { latticeTables, type FoundTable } from "./lattice";
import { linesOfPages, median, segments, type PageLine } from "./lines";
import { tableRows } from "./rows";
import { minOf, maxOf } from "../extent";

/** Fewest lines (header included) with two or more cells that make a borderless table. */
const MIN_LINES = 3;
/** Lines further apart than this many font sizes do not belong to one table. */
const MAX_LEADING = 1.6;
/** Cells of a table are short: a median above this many words is text set in columns. */
const MAX_CELL_WORDS = 6;
/** Share of body rows that must fill two or more columns. */
const MIN_FILLED = 0.6;
const NUMERIC = /^[-+(]?[$€£]?\d[\d.,'\s]*%?\)?$/;
const MAX_HEADER_LINES = 3;
/** Lines of wrapped text a table row may carry below its first. */
const WRAP_LINES = 3;
/** Header lines stacked over one another are closer than this many font sizes. */
const HEADER_LEADING = 0.9;

/** Runs of consecutive lines with two or more cells, close together, with the wrapped lines between them. */
function runs(lines: PageLine[]): Array<[number, number]> {
  const multi = lines.map((l) => segments(l).length >= 2);
  const close = (i: number) => i > 0 && lines[i].y0 - lines[i - 1].y1 < MAX_LEADING * lines[i].size;
  /** Line i has cells, or wrapped text the table resumes after within WRAP_LINES close lines. */
  const resumes = (i: number) => {
    for (let j = i; j < Math.min(lines.length, i + WRAP_LINES + 1) && (j === i || close(j)); j++) if (multi[j]) return true;
    return false;
  };
  const out: Array<[number, number]> = [];
  let from = -1;
  for (let i = 0; i <= lines.length; i++) {
    const inside = i < lines.length && from >= 0 && close(i) && resumes(i);
    if (inside) continue;
    if (from >= 0 && i - from >= MIN_LINES) out.push([from, i]);
    from = i < lines.length && multi[i] ? i : -1;
  }
  return out;
}

const wordy = (line: PageLine) => !segments(line).some((run) => run.every((w) => NUMERIC.test(w.text)));
const leading = (lines: PageLine[], i: number) => (i > 0 ? lines[i].y0 - lines[i - 1].y1 : Infinity);

/**
 * The header block of a run starting at `from`: its first line when it holds no numbers, with the
 * lines stacked tight above it and below it (closer to each other than to the body) that hold none.
 */
function headerRange(lines: PageLine[], from: number, to: number): [number, number] {
  if (!wordy(lines[from])) return [from, from];
  let top = from;
  while (top > 0 && from - top < MAX_HEADER_LINES - 1 && wordy(lines[top - 1]) && leading(lines, top) < HEADER_LEADING * lines[top].size) top--;
  let end = from + 1;
  while (end < to - 2 && end - top < MAX_HEADER_LINES && wordy(lines[end]) && leading(lines, end) < leading(lines, end + 1) - 0.5) end++;
  return [top, end];
}

function streamTable(lines: PageLine[], [start, to]: [number, number]): FoundTable | null {
  const [from, bodyFrom] = headerRange(lines, start, to);
  const first = lines[from];
  const header = lines.slice(from, bodyFrom);
  const body = lines.slice(bodyFrom, to);
  const columns = tableColumns(header, body);
  if (columns.length < 2) return null;
  const rows = tableRows(columns, body, undefined);
  const records = rows.filter((r) => !r.section);
  const filled = records.filter((r) => r.cells.filter(Boolean).length >= 2).length;
  const words = records.flatMap((r) => r.cells.flatMap((c) => (c ? [c.words.length] : [])));
  if (records.length < 2 || filled < MIN_FILLED * records.length || median(words, 0) > MAX_CELL_WORDS) return null;
  const all = lines.slice(from, to);
  return {
    page: first.page, header: columns.map((c) => c.header), rows, method: "stream", columns, lines: [first.index, lines[to - 1].index + 1],
    bbox: [minOf(all, (l) => l.x0), first.y0, maxOf(all, (l) => l.x1), maxOf(all, (l) => l.y1)],
  };
}

/** The tables of one page's lines: ruled ones, then borderless ones outside them, top to bottom. */
export function pageTables(lines: PageLine[], rules: number[] | undefined): FoundTable[] {
  if (lines.length === 0) return [];
  const ruled = latticeTables(lines[0].page, rules, lines);
  const free = lines.map((l) => !ruled.some((t) => l.index >= t.lines[0] && l.index < t.lines[1]));
  const stream = runs(lines)
    .filter(([from, to]) => free.slice(from, to).every(Boolean))
    .map((run) => streamTable(lines, run))
    .filter((t) => t !== null);
  return [...ruled, ...stream].sort((a, b) => a.bbox[1] - b.bbox[1]);
}

/** A found table as the document model keeps it: texts, page, boxes and how it was found. */
export const parsedTable = (table: FoundTable): ParsedTable => ({
  header: table.header,
  rows: table.rows.map((row) => row.cells.map((c) => c?.text ?? "")),
  page: table.page,
  bbox: table.bbox,
  row_boxes: table.rows.map((r) => r.box),
  method: table.method,
});

/** Every table found on the pages of a PDF (page texts, word boxes, rules). */
export function detectTables(pages: string[], words: WordBoxes[], rules: number[][]): ParsedTable[] {
  return linesOfPages(pages, words).flatMap((lines, page) => pageTables(lines, rules[page]).map(parsedTable));
}
