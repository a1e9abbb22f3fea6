import type { Candidate, ExtractedItem, ParsedDocument, Provenance } from "../model";
import { sheetCell } from "../cell-ref";
import { Pattern } from "../pattern";
import type { ItemColumnsInput } from "./items-schema";
import { extractPdfTable, type PdfTableSpec } from "./pdf-table";
import { documentLines } from "./text-lines";
import { headerLine, markdownHeaders, readTextTable } from "./text-table";

type Spec = Omit<PdfTableSpec, "columns"> & { columns: Record<string, string | number> };

interface GridRow {
  cells: Array<string | undefined>;
  text: string;
  page: number;
  spans?: Array<[number, number] | undefined>;
}

/** A table as rows of texts, whatever it was read from (an HTML or CSV table, Markdown, or layout text). */
interface Grid {
  index: number | null;
  header: string[];
  rows: GridRow[];
}

const normalized = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();
const holdsAll = (header: string[], texts: string[]) => {
  const line = normalized(header.join(" "));
  return texts.every((t) => line.includes(normalized(t)));
};

function textGrid(parsed: ParsedDocument, lines: ReturnType<typeof documentLines>["lines"], at: number, index: number | null): Grid {
  const table = readTextTable(lines, at);
  return {
    index,
    header: table.header.map((c) => c.text),
    rows: table.rows.map(({ line, cells }) => ({
      cells: cells.map((c) => c?.text),
      text: line.text.trim(),
      page: line.page,
      spans: cells.map((c) => (c ? [line.offset + c.start, line.offset + c.end] : undefined)),
    })),
  };
}

/** Which table: an index (HTML/CSV tables, then Markdown ones), the first whose header holds given texts, or by the column headers. */
function chooseGrid(parsed: ParsedDocument, spec: Spec): Grid | null {
  const structured = parsed.tables.map((t, i): Grid => ({
    index: i, header: t.header, rows: t.rows.map((cells) => ({ cells, text: cells.join("\t").trim(), page: t.page ?? 0 })),
  }));
  const { lines } = documentLines(parsed.pages);
  const markdown = () => markdownHeaders(lines).map((at, i) => textGrid(parsed, lines, at, structured.length + i));
  if (typeof spec.table === "number") return [...structured, ...markdown()][spec.table] ?? null;
  const named = Object.values(spec.columns).filter((ref): ref is string => typeof ref === "string");
  const texts = spec.table ? spec.table.header_contains : named;
  const all = [...structured, ...markdown()];
  const byHeader = texts.length > 0 ? all.find((grid) => holdsAll(grid.header, texts)) : undefined;
  if (byHeader) return byHeader;
  const at = texts.length > 0 ? headerLine(lines, texts) : -1;
  if (at >= 0) return textGrid(parsed, lines, at, null);
  return spec.table ? null : (all[0] ?? null);
}

function columnIndex(header: string[], ref: string | number): number {
  if (typeof ref === "number") return ref < header.length ? ref : -1;
  const wanted = normalized(ref);
  const exact = header.findIndex((h) => normalized(h) === wanted);
  return exact >= 0 ? exact : header.findIndex((h) => normalized(h).includes(wanted));
}

/**
 * Line items from a table: every body row is an item; empty rows, repeats of the header row (a
 * table continued over pages) and rows matching `skip` (subtotals) are not.
 */
export function extractItemTable(parsed: ParsedDocument, spec: PdfTableSpec): ExtractedItem[] {
  if (parsed.words?.some((page) => page.length > 0)) return extractPdfTable(parsed, spec);
  return extractTextTable(parsed, { ...spec, columns: headerRefs(spec.columns) });
}

const headerRefs = (columns: ItemColumnsInput) =>
  (Array.isArray(columns) ? Object.fromEntries(columns.map((c) => [c.name, c.header ?? c.name])) : columns);

function extractTextTable(parsed: ParsedDocument, spec: Spec): ExtractedItem[] {
  const grid = chooseGrid(parsed, spec);
  if (!grid) return [];
  const skip = spec.skip ? Pattern.compile(spec.skip) : null;
  const headerKey = normalized(grid.header.join("\t"));
  const columns = Object.entries(spec.columns).map(([name, ref]) => ({ name, at: columnIndex(grid.header, ref) })).filter((c) => c.at >= 0);
  if (columns.length === 0) return [];
  const items: ExtractedItem[] = [];
  grid.rows.forEach((row, r) => {
    if (row.cells.every((c) => !c?.trim()) || normalized(row.cells.map((c) => c ?? "").join("\t")) === headerKey) return;
    if (skip?.test(row.text)) return;
    const cells: Record<string, Candidate> = {};
    for (const { name, at } of columns) {
      const value = row.cells[at]?.trim();
      if (!value) continue;
      const span = row.spans?.[at];
      const provenance: Provenance = {
        extractor: "table", page: row.page, row: r, column: grid.header[at],
        ...(grid.index !== null ? { table: grid.index, ...sheetCell(parsed.tables[grid.index], r, at) } : {}),
        ...(span ? { start: span[0], end: span[1] } : {}),
      };
      cells[name] = { value, confidence: 0.95, provenance };
    }
    if (Object.keys(cells).length > 0) items.push({ text: row.text, cells });
  });
  return items;
}
