import type { Candidate, ParsedDocument, ParsedTable } from "../model";

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

/** One column of a parsed table (CSV today; HTML tables too), one row per document. */
export function extractTable(
  parsed: ParsedDocument,
  spec: { column: ColumnRef; row?: number | { column: ColumnRef; equals: string }; table?: number },
): Candidate[] {
  const tableIndex = spec.table ?? 0;
  const table = parsed.tables[tableIndex];
  if (!table) return [];
  const column = columnIndex(table, spec.column);
  const row = rowIndex(table, spec.row);
  const value = column >= 0 && row >= 0 ? table.rows[row][column]?.trim() : undefined;
  if (!value) return [];
  return [{ value, confidence: 0.95, provenance: { extractor: "table", page: 0, table: tableIndex, row, column: table.header[column] } }];
}
