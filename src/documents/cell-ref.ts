import type { ParsedTable } from "./model";

const column = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
const letters = (index: number): string => (index < 0 ? "" : letters(Math.floor(index / 26) - 1) + String.fromCharCode(65 + (index % 26)));

/** The A1 reference `rows` below and `columns` right of `origin` (`"B2"`, 1, 2 → `"D3"`). */
export function offsetCell(origin: string, rows: number, columns: number): string {
  const match = /^([A-Z]+)(\d+)$/.exec(origin);
  if (!match) return origin;
  return `${letters(column(match[1]) + columns)}${Number(match[2]) + rows}`;
}

/** Provenance of body cell (`row`, `column`) of a sheet table: its sheet and A1 reference, as users cite them; nothing for other tables. */
export const sheetCell = (table: ParsedTable | undefined, row: number, col: number) =>
  table?.sheet && table.origin ? { sheet: table.sheet, cell: offsetCell(table.origin, row + 1, col) } : {};
