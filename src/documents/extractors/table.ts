import * as v from "valibot";
import { sheetCell } from "../cell-ref";
import type { Candidate, ParsedDocument, ParsedTable } from "../model";
import { Index, ItemTableOptions, TableChoice } from "./items-schema";
import { Pages, UserPattern, WhenInput } from "./options";

/** One cell of a table (`column`, `row`), or with `columns` every body row as a line item. */
export const TableExtractorInput = v.strictObject({
  type: v.pipe(v.literal("table"), v.description("a cell of a table, or (for a table field) its rows as line items")),
  column: v.optional(v.pipe(
    v.union([v.pipe(v.string(), v.minLength(1), v.maxLength(200)), Index]),
    v.description("scalar fields: the column by header text or index"),
  )),
  row: v.optional(v.pipe(
    v.union([Index, v.strictObject({
      column: v.pipe(v.union([v.pipe(v.string(), v.minLength(1)), Index]), v.description("the column to look in, by header text or index")),
      equals: v.pipe(v.string(), v.description("the text that cell holds")),
    })]),
    v.description("scalar fields: the row by index, or the first row whose `column` holds `equals`"),
  )),
  table: v.optional(TableChoice),
  ...ItemTableOptions,
  after: v.optional(v.pipe(UserPattern, v.description("search only after the first match of this pattern"))),
  before: v.optional(v.pipe(UserPattern, v.description("search only up to the next match of this pattern"))),
  pages: v.optional(v.pipe(Pages, v.description('the source pages searched, zero-based: "0", "last", "1-3", "0,last"'))),
  when: v.optional(WhenInput),
});

type ColumnRef = string | number;

const columnIndex = (table: ParsedTable, ref: ColumnRef) =>
  typeof ref === "number" ? (ref < table.header.length ? ref : -1) : table.header.findIndex((h) => h.trim().toLowerCase() === ref.trim().toLowerCase());

/** Which row holds the record: an index, the first row whose column equals a value, or the first row. */
function rowIndex(table: ParsedTable, row: number | { column: ColumnRef; equals: string } | undefined): number {
  if (row === undefined) return table.rows.length > 0 ? 0 : -1;
  if (typeof row === "number") return row < table.rows.length ? row : -1;
  const column = columnIndex(table, row.column);
  if (column < 0) return -1;
  return table.rows.findIndex((r) => (r[column] ?? "").trim() === row.equals.trim());
}

/** The first table whose header row holds every text (case ignored). */
function tableWithHeader(parsed: ParsedDocument, texts: string[]): number {
  return parsed.tables.findIndex((t) => texts.every((text) => t.header.join(" ").toLowerCase().includes(text.toLowerCase())));
}

/** One column of a parsed table (CSV, HTML, a table found on a PDF page), one row per document. */
export function extractTable(
  parsed: ParsedDocument,
  spec: { column: ColumnRef; row?: number | { column: ColumnRef; equals: string }; table?: number | { header_contains: string[] } },
): Candidate[] {
  const tableIndex = typeof spec.table === "object" ? tableWithHeader(parsed, spec.table.header_contains) : (spec.table ?? 0);
  const table = parsed.tables[tableIndex];
  if (!table) return [];
  const column = columnIndex(table, spec.column);
  const row = rowIndex(table, spec.row);
  const value = column >= 0 && row >= 0 ? table.rows[row][column]?.trim() : undefined;
  if (!value) return [];
  const bbox = table.row_boxes?.[row];
  const provenance = {
    extractor: "table", page: table.page ?? 0, table: tableIndex, row, column: table.header[column], ...sheetCell(table, row, column),
    ...(bbox ? { bbox } : {}),
  };
  return [{ value, confidence: 0.95, provenance }];
}
