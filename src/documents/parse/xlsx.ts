import type * as Xlsx from "@e965/xlsx";
import { PermanentPhaseError, type ParsedTable, type TypedValue } from "../model";
import { guardArchive } from "./ooxml";
import type { PagedDocument } from "./paged";
import type { ZipArchive } from "./zip";

/** Rows read per sheet: a sheet whose used range is longer ends the document (`sheet_too_large`), it is never cut short. */
export const MAX_SHEET_ROWS = 100_000;
/** Cells per workbook, the real bound on memory (SheetJS keeps an object per cell). */
export const MAX_WORKBOOK_CELLS = 2_000_000;

export type XlsxLoader = () => Promise<typeof Xlsx>;
// SheetJS is ~1 MB of script: imported on the first workbook only; the Worker loads it as a module of its own.
let loadXlsx: XlsxLoader = () => import("@e965/xlsx");
export function loadXlsxWith(loader: XlsxLoader): void {
  loadXlsx = loader;
}

const DAY_MS = 86_400_000;
/** A date cell's serial number as the sheet holds it, as `YYYY-MM-DD[THH:MM:SS]` (no time zone: Excel has none). */
function serialDate(serial: number, date1904: boolean): string {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const iso = new Date(epoch + Math.round(serial * DAY_MS / 1000) * 1000).toISOString().slice(0, 19);
  return iso.endsWith("T00:00:00") ? iso.slice(0, 10) : iso;
}

interface Grid {
  text: string[][];
  typed: TypedValue[][];
}

function readGrid(xlsx: typeof Xlsx, sheet: Xlsx.WorkSheet, range: Xlsx.Range, date1904: boolean): Grid {
  const grid: Grid = { text: [], typed: [] };
  const data = (sheet["!data"] ?? []) as Array<Array<Xlsx.CellObject | undefined> | undefined>;
  for (let r = range.s.r; r <= range.e.r; r++) {
    const text: string[] = [];
    const typed: TypedValue[] = [];
    for (let c = range.s.c; c <= range.e.c; c++) {
      const cell = data[r]?.[c];
      const isDate = cell?.t === "n" && typeof cell.z === "string" && xlsx.SSF.is_date(cell.z);
      const value: TypedValue = !cell || cell.t === "z" || cell.v === undefined ? null
        : isDate ? serialDate(cell.v as number, date1904)
        : cell.t === "e" ? (cell.w ?? "#ERROR") : (cell.v as string | number | boolean);
      typed.push(value);
      text.push(value === null ? "" : isDate ? (value as string) : (cell?.w ?? String(value)));
    }
    grid.text.push(text);
    grid.typed.push(typed);
  }
  return grid;
}

/** A merged area shows its top-left value in every cell it covers (a category label spanning rows applies to each). */
function fillMerges(grid: Grid, merges: Xlsx.Range[], origin: Xlsx.CellAddress): void {
  for (const merge of merges) {
    const top = grid.text[merge.s.r - origin.r]?.[merge.s.c - origin.c];
    const typed = grid.typed[merge.s.r - origin.r]?.[merge.s.c - origin.c];
    for (let r = merge.s.r; r <= merge.e.r; r++) {
      for (let c = merge.s.c; c <= merge.e.c; c++) {
        if (!grid.text[r - origin.r] || c - origin.c >= grid.text[r - origin.r].length) continue;
        grid.text[r - origin.r][c - origin.c] = top ?? "";
        grid.typed[r - origin.r][c - origin.c] = typed ?? null;
      }
    }
  }
}

/**
 * The header row: the first row with at least two distinct texts and nothing but text. A title merged
 * across the table (one distinct value) is skipped; without such a row the first row is the header.
 */
function headerRow(grid: Grid): number {
  const found = grid.typed.findIndex((row) => {
    const values = row.filter((v) => v !== null && v !== "");
    return values.length >= 2 && new Set(values).size >= 2 && values.every((v) => typeof v === "string" && !/^\d{4}-\d\d-\d\d/.test(v));
  });
  return Math.max(found, 0);
}

function sheetTable(xlsx: typeof Xlsx, name: string, sheet: Xlsx.WorkSheet, page: number, date1904: boolean): { text: string; table: ParsedTable | null } {
  if (!sheet["!ref"]) return { text: "", table: null };
  const range = xlsx.utils.decode_range(sheet["!ref"]);
  const full = xlsx.utils.decode_range((sheet["!fullref"] as string | undefined) ?? sheet["!ref"]);
  if (full.e.r - full.s.r + 1 > MAX_SHEET_ROWS) {
    throw new PermanentPhaseError("sheet_too_large", `sheet '${name}' uses ${full.e.r - full.s.r + 1} rows; the limit is ${MAX_SHEET_ROWS}`);
  }
  const grid = readGrid(xlsx, sheet, range, date1904);
  // The page text shows a merged area's value once, as the sheet does; the table repeats it in every cell.
  const text = grid.text.map((row) => row.join("\t").replace(/\t+$/, "")).join("\n");
  fillMerges(grid, sheet["!merges"] ?? [], range.s);
  const head = headerRow(grid);
  const origin = xlsx.utils.encode_cell({ r: range.s.r + head, c: range.s.c });
  const table: ParsedTable = {
    header: grid.text[head], rows: grid.text.slice(head + 1), typed: grid.typed.slice(head + 1), page, sheet: name, origin, method: "markup",
    head_rows: { text: grid.text.slice(0, head + 1), typed: grid.typed.slice(0, head + 1) },
  };
  return { text, table };
}

/**
 * A workbook through SheetJS: one page per sheet of `selected` (sheet names kept), each sheet's used
 * range as a table with typed values (numbers, booleans, dates as ISO text, formulas' cached results).
 */
export async function parseXlsx(bytes: Uint8Array, zip: ZipArchive, selected: (sheetCount: number) => number[]): Promise<PagedDocument> {
  guardArchive(zip);
  const xlsx = await loadXlsx();
  let book: Xlsx.WorkBook;
  try {
    book = xlsx.read(bytes, { type: "array", dense: true, cellNF: true, cellHTML: false, cellFormula: false, sheetRows: MAX_SHEET_ROWS + 1 });
  } catch (error) {
    throw new PermanentPhaseError("invalid_document", `the workbook could not be read: ${(error as Error).message}`);
  }
  const cells = book.SheetNames.reduce((sum, name) => {
    const ref = book.Sheets[name]?.["!ref"];
    if (!ref) return sum;
    const r = xlsx.utils.decode_range(ref);
    return sum + (r.e.r - r.s.r + 1) * (r.e.c - r.s.c + 1);
  }, 0);
  if (cells > MAX_WORKBOOK_CELLS) throw new PermanentPhaseError("sheet_too_large", `the workbook's used ranges hold ${cells} cells; the limit is ${MAX_WORKBOOK_CELLS}`);
  const date1904 = Boolean(book.Workbook?.WBProps?.date1904);
  const doc: PagedDocument = { pages: [], tables: [], page_info: [] };
  selected(book.SheetNames.length).forEach((index, page) => {
    const name = book.SheetNames[index];
    const { text, table } = sheetTable(xlsx, name, book.Sheets[name], page, date1904);
    doc.pages.push(text);
    doc.page_info!.push({ source: "sheet", name });
    if (table) doc.tables.push(table);
  });
  return doc;
}
