/**
 * Line items from a table on pages with word positions (PDF, OCR): a ruled table from the page's
 * rules, else a borderless one under the header the columns name; columns from the data, cells
 * joined across wrapped lines, section rows and row-spanning cells handled as the definition says.
 */
import { unionBox, type Candidate, type ExtractedItem, type ParsedDocument } from "../model";
import { Pattern } from "../pattern";
import { columnRef, type FixedColumn } from "../tables/columns";
import { latticeTables, type FoundTable } from "../tables/lattice";
import { normalized, pageLines, wordBox, type PageLine } from "../tables/lines";
import type { FoundCell } from "../tables/rows";
import { pageTables } from "../tables/detect";
import { streamTables } from "../tables/stream";
import type { ItemColumnsInput, TableChoiceInput } from "./items-schema";
import { regionSegments, selectedPages } from "./scope";
import { maxOf } from "../extent";

export interface PdfTableSpec {
  table?: TableChoiceInput;
  columns: ItemColumnsInput;
  skip?: string;
  header_lines?: number;
  end?: string;
  continuation?: boolean;
  fill_down?: string[];
  section?: string;
  after?: string;
  before?: string;
  pages?: string;
}

interface ColumnSpec extends FixedColumn {
  ref: string | number;
}

const specColumns = (columns: ItemColumnsInput): ColumnSpec[] => (Array.isArray(columns)
  ? columns.map((c) => ({ ...c, ref: c.header ?? c.name }))
  : Object.entries(columns).map(([name, ref]) => ({ name, ref })));

/** The page lines inside the extractor's region (`pages`, `after`, `before`), page by page. */
function regionLines(parsed: ParsedDocument, spec: PdfTableSpec): PageLine[][] {
  const all = pageLines(parsed);
  return regionSegments(parsed, selectedPages(parsed, spec.pages), spec.after, spec.before).map(({ page, start, end }) =>
    all[page].flatMap((line) => {
      if (start === 0 && end === parsed.pages[page].length) return [line];
      const words = line.words.filter((w) => w.start >= start && w.end <= end);
      return words.length === line.words.length ? [line] : [];
    }));
}

const holdsAll = (header: string[], texts: string[]) => {
  const line = normalized(header.join(" "));
  return texts.every((t) => line.includes(normalized(t)));
};

/** Ruled tables holding the texts; one continued on the next page (first on it, same columns) is one table. */
function ruledTables(parsed: ParsedDocument, pages: PageLine[][], texts: string[]): FoundTable[] {
  const found: FoundTable[] = [];
  for (const lines of pages) {
    if (!lines.length) continue;
    for (const table of latticeTables(lines[0].page, parsed.rules?.[lines[0].page], lines)) {
      const previous = found[found.length - 1];
      const continues = previous && previous.page + 1 === table.page && previous.header.join("|") === table.header.join("|");
      if (continues) previous.rows.push(...table.rows);
      else if (holdsAll(table.header, texts)) found.push(table);
    }
  }
  return found;
}

/**
 * The chosen table: the Nth (`table: N`, 0-based) whose header holds the texts, ruled or not, in
 * page order; with columns by position only, the Nth table found on the pages (as content lists them).
 */
function chooseTable(parsed: ParsedDocument, spec: PdfTableSpec, columns: ColumnSpec[]): FoundTable | null {
  const named = columns.filter((c) => c.x0 === undefined && c.x1 === undefined).flatMap((c) => (typeof c.ref === "string" ? [c.ref] : []));
  const texts = typeof spec.table === "object" ? spec.table.header_contains : named;
  const nth = typeof spec.table === "number" ? spec.table : 0;
  const pages = regionLines(parsed, spec);
  const ruled = ruledTables(parsed, pages, texts);
  const outside = pages.map((lines) => lines.filter((l) => !ruled.some((t) => t.page === l.page && l.index >= t.lines[0] && l.index < t.lines[1])));
  if (texts.length === 0) return pages.flatMap((lines) => (lines.length ? pageTables(lines, parsed.rules?.[lines[0].page]) : []))[nth] ?? null;
  const stream = streamTables(outside, {
    texts, headerLines: spec.header_lines, end: spec.end ? Pattern.compile(spec.end) : null, continuation: spec.continuation, fixed: columns,
  }, nth + 1);
  const all = [...ruled, ...stream].sort((a, b) => a.page - b.page || a.bbox[1] - b.bbox[1]);
  return all[nth] ?? null;
}

function candidate(cell: FoundCell, page: number, row: number, column: string): Candidate {
  const words = cell.words.filter((w) => w === cell.words[0] || w.start > cell.words[0].start);
  const bbox = cell.words.map(wordBox).reduce(unionBox);
  return {
    value: cell.text,
    confidence: 0.95,
    provenance: { extractor: "table", page, row, column, start: words[0].start, end: maxOf(words, (w) => w.end), bbox },
  };
}

/**
 * Items of the chosen table; empty rows, repeats of the header, rows matching `skip` and section rows
 * are not items (a section's text goes to the `section` column of the items under it).
 */
export function extractPdfTable(parsed: ParsedDocument, spec: PdfTableSpec): ExtractedItem[] {
  const columns = specColumns(spec.columns);
  const table = chooseTable(parsed, spec, columns);
  if (!table) return [];
  const at = columns.map((c) => ({ name: c.name, at: columnRef(table.columns, c.x0 !== undefined || c.x1 !== undefined ? c.name : c.ref) })).filter((c) => c.at >= 0);
  if (at.length === 0) return [];
  const skip = spec.skip ? Pattern.compile(spec.skip) : null;
  const headerKey = normalized(table.header.join(" "));
  const items: ExtractedItem[] = [];
  const above: Record<string, Candidate> = {};
  let section: Candidate | null = null;
  table.rows.forEach((row, r) => {
    const texts = row.cells.map((c) => c?.text ?? "");
    if (row.section) {
      const cell = row.cells.find(Boolean);
      section = spec.section && cell ? candidate(cell, row.page, r, spec.section) : null;
      return;
    }
    if (texts.every((t) => !t.trim()) || normalized(texts.join(" ")) === headerKey || skip?.test(row.text)) return;
    const cells: Record<string, Candidate> = {};
    for (const { name, at: c } of at) {
      const cell = row.cells[c];
      if (cell?.text.trim()) cells[name] = candidate(cell, row.page, r, table.header[c]);
      else if (spec.fill_down?.includes(name) && above[name]) cells[name] = { ...above[name] };
    }
    if (Object.keys(cells).length === 0) return;
    Object.assign(above, cells);
    if (section && spec.section) cells[spec.section] = { ...(section as Candidate) };
    items.push({ text: row.text, cells });
  });
  return items;
}
