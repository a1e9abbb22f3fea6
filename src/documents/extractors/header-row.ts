import type { ParsedDocument, ParsedTable } from "../model";

/**
 * A sheet table read with `header_row` (the row number as the sheet shows it, 1-based) as its header
 * instead of the detected one: the rows from the sheet's first used row through the detected header
 * are kept with the parse (`head_rows`), so any row of the used range can be the header. Tables that
 * are not sheets keep their header; a header_row outside a sheet's used range leaves that table
 * with no header and no rows, so nothing is read from it rather than a guess.
 */
export function withHeaderRow(table: ParsedTable, headerRow: number): ParsedTable {
  const origin = table.origin && /^([A-Z]+)(\d+)$/.exec(table.origin);
  if (!table.sheet || !origin || !table.head_rows) return table;
  const text = [...table.head_rows.text, ...table.rows];
  const typed = [...table.head_rows.typed, ...(table.typed ?? [])];
  const first = Number(origin[2]) - (table.head_rows.text.length - 1);
  const at = headerRow - first;
  const header = text[at] ?? [];
  return {
    ...table, header, rows: at < 0 || at >= text.length ? [] : text.slice(at + 1), typed: at < 0 ? [] : typed.slice(at + 1),
    origin: `${origin[1]}${headerRow}`, head_rows: { text: text.slice(0, at + 1), typed: typed.slice(0, at + 1) },
  };
}

/** The document as a `table` extractor with `header_row` reads it. */
export const withHeaderRows = (parsed: ParsedDocument, headerRow: number | undefined): ParsedDocument =>
  headerRow === undefined ? parsed : { ...parsed, tables: parsed.tables.map((t) => withHeaderRow(t, headerRow)) };
