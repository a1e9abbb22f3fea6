import { maxOrdinal, readExportSlice } from "../db/queries/data-products";
import type { Db } from "../db/types";
import type { CompiledPipeline } from "../pipeline/definition";
import { TABLE_TYPE, type Cell } from "../pipeline/types";
import type { CsvColumn, CsvPart } from "../db/queries/csv-lines";
import { publicCell } from "../pipeline/holdback";

/** The first slice is small so the first rows go out soon; slices then double up to SLICE_ROWS (fewer statements). */
const FIRST_SLICE_ROWS = 1000;
const SLICE_ROWS = 10_000;
/** Slices read at once: the database works on the next ones while the process sends one. */
const SLICES_AHEAD = 3;
// Spreadsheets run cells that start with these as formulas (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const NEEDS_QUOTES = /[",\r\n]/;
const SPECIAL = /^[=+\-@\t\r]|[",\r\n]/;
/** Excel reads a CSV as UTF-8 only when it starts with a byte order mark. */
const BOM = "\uFEFF";

/** What a reader asked of an export (`?status_columns=true`, `?bom=true`). */
export interface CsvOptions {
  statusColumns?: boolean;
  bom?: boolean;
}

/** One cell as text: held-back and empty cells are empty; structured values are compact. */
export const cellText = (cell: Cell | undefined): string => valueText(cell ? publicCell(cell).value : null);

/** A released value as text; structured values are compact JSON, money is "amount CODE". */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return value;
  const currency = value as { amount?: unknown; currency?: unknown };
  if (typeof currency.amount === "number" && typeof currency.currency === "string") return `${currency.amount} ${currency.currency}`;
  return JSON.stringify(value);
}

/** RFC 4180 quoting plus formula neutralising; numbers we wrote ourselves stay numbers. */
export function csvField(text: string): string {
  if (!SPECIAL.test(text)) return text; // the common case, in one scan
  const safe = FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (fields: string[]) => `${fields.map(csvField).join(",")}\r\n`;

/** Field types whose value is always a string (normalisation makes it so), and the table type. */
const PART_OF_TYPE: Record<string, CsvPart> = { string: "text", date: "text", enum: "text", [TABLE_TYPE]: "count" };

/**
 * The columns of an export, one or more per field: a currency field's amount and code apart (so a
 * spreadsheet can sum the amounts), a table field's item count, and with `statusColumns` the cell's
 * status after each field (so withheld and not found differ).
 */
export function csvColumns(fields: Array<{ name: string; type: string }>, options: CsvOptions): CsvColumn[] {
  return fields.flatMap(({ name, type }): CsvColumn[] => [
    ...(type === "currency"
      ? [{ name, source: name, part: "amount" as const }, { name: `${name}_currency`, source: name, part: "currency" as const }]
      : [{ name, source: name, part: PART_OF_TYPE[type] ?? "value" }]),
    ...(options.statusColumns ? [{ name: `${name}_status`, source: name, part: "status" as const }] : []),
  ]);
}

/**
 * What a CSV export streams: a header, and CSV lines read by ordinal slices `[from, to)` up to a
 * last ordinal. The record table is one shape; another (e.g. a line-item table) plugs in the same way.
 */
export interface ExportShape {
  header: string[];
  /** Ordinals per slice when a row of the shape is larger than a record row (default: growing to SLICE_ROWS). */
  ordinalsPerSlice?: number;
  lastOrdinal(): Promise<number>;
  /** The CSV lines of the rows at ordinals `[from, to)`, as one text (empty when there are none). */
  readSlice(from: number, to: number): Promise<string>;
}

/** One row per processed document of a published generation, one column (or more) per field. */
export function recordsShape(db: Db, pipelineId: string, generation: number, pipeline: CompiledPipeline, options: CsvOptions): ExportShape {
  const columns = csvColumns(pipeline.fields, options);
  return {
    header: columns.map((c) => c.name),
    lastOrdinal: () => maxOrdinal(db, pipelineId, generation),
    readSlice: (from, to) => readExportSlice(db, pipelineId, generation, columns, from, to),
  };
}

/**
 * An export as CSV, streamed by ordinal slices: memory stays flat whatever the number of rows, and
 * a slow client slows the reads instead of filling a buffer. A few slices are read ahead at once
 * (on separate connections where the pool has them) while one is sent. Postgres writes the lines,
 * so a slice is only encoded here. Slices may be empty (ordinals with no row); the stream reads on
 * until it has text to give or nothing is left, so it always ends.
 */
export function exportCsv(shape: ExportShape, options: CsvOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let width = shape.ordinalsPerSlice ?? FIRST_SLICE_ROWS;
  const widest = shape.ordinalsPerSlice ?? SLICE_ROWS;
  const ahead: Array<Promise<string>> = [];
  let from = 0;
  let last = -1;
  const fill = () => {
    while (ahead.length < SLICES_AHEAD && from <= last) {
      const slice = shape.readSlice(from, from + width);
      slice.catch(() => undefined); // a failed read surfaces when its turn comes, not as an unhandled rejection
      ahead.push(slice);
      from += width;
      width = Math.min(widest, width * 2);
    }
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(`${options.bom ? BOM : ""}${csvLine(shape.header)}`));
      last = await shape.lastOrdinal();
      fill();
    },
    async pull(controller) {
      for (let slice = ahead.shift(); slice; slice = ahead.shift()) {
        const text = await slice;
        fill();
        if (text) return controller.enqueue(encoder.encode(text));
      }
      controller.close();
    },
  });
}
