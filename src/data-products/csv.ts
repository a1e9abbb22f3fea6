import { maxOrdinal, readExportSlice } from "../db/queries/data-products";
import type { Db } from "../db/types";
import type { CompiledPipeline } from "../pipeline/definition";
import type { Cell } from "../pipeline/types";
import { publicCell } from "../pipeline/holdback";

const SLICE_ROWS = 2000;
const SLICES_AHEAD = 3;
// Spreadsheets run cells that start with these as formulas (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const NEEDS_QUOTES = /[",\r\n]/;
const SPECIAL = /^[=+\-@\t\r]|[",\r\n]/;

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

/** One export row: a JSON number can need neither neutralising nor quoting, so it skips both checks. */
export const valuesLine = (values: unknown[]) => `${values.map((v) => (typeof v === "number" ? String(v) : csvField(valueText(v)))).join(",")}\r\n`;

/**
 * What a CSV export streams: a header, and rows read by ordinal slices `[from, to)` up to a last
 * ordinal. The record table is one shape; another (e.g. a line-item table) plugs in the same way.
 */
export interface ExportShape {
  header: string[];
  /** Ordinals per slice when a row of the shape is larger than a record row (default SLICE_ROWS). */
  ordinalsPerSlice?: number;
  lastOrdinal(): Promise<number>;
  readSlice(from: number, to: number): Promise<unknown[][]>;
}

/** One row per processed document of a published generation, one column per field. */
export function recordsShape(db: Db, pipelineId: string, generation: number, pipeline: CompiledPipeline): ExportShape {
  const names = pipeline.fields.map((f) => f.name);
  return {
    header: names,
    lastOrdinal: () => maxOrdinal(db, pipelineId, generation),
    readSlice: (from, to) => readExportSlice(db, pipelineId, generation, names, from, to),
  };
}

/**
 * An export as CSV, streamed by ordinal slices: memory stays flat whatever the number of rows, and
 * a slow client slows the reads instead of filling a buffer. A few slices are read ahead at once
 * (on separate connections where the pool has them) while one is formatted. Slices may be empty
 * (ordinals with no row); the stream reads on until it has text to give or nothing is left, so it
 * always ends.
 */
export function exportCsv(shape: ExportShape): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const width = shape.ordinalsPerSlice ?? SLICE_ROWS;
  const ahead: Array<Promise<unknown[][]>> = [];
  let from = 0;
  let last = -1;
  const fill = () => {
    while (ahead.length < SLICES_AHEAD && from <= last) {
      const slice = shape.readSlice(from, from + width);
      slice.catch(() => undefined); // a failed read surfaces when its turn comes, not as an unhandled rejection
      ahead.push(slice);
      from += width;
    }
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(csvLine(shape.header)));
      last = await shape.lastOrdinal();
      fill();
    },
    async pull(controller) {
      for (let slice = ahead.shift(); slice; slice = ahead.shift()) {
        const rows = await slice;
        fill();
        let chunk = "";
        for (const values of rows) chunk += valuesLine(values);
        if (chunk) return controller.enqueue(encoder.encode(chunk));
      }
      controller.close();
    },
  });
}
