import { readExportRows } from "../db/queries/data-products";
import type { Db } from "../db/types";
import type { CompiledPipeline } from "../pipeline/definition";
import type { Cell } from "../pipeline/types";
import { releasedValue } from "../pipeline/holdback";

const PAGE_ROWS = 2000;
// Spreadsheets run cells that start with these as formulas (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** One cell as text: held-back and empty cells are empty; structured values are compact. */
export const cellText = (cell: Cell | undefined): string => valueText(cell ? releasedValue(cell) : null);

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
  const safe = FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (fields: string[]) => `${fields.map(csvField).join(",")}\r\n`;

/**
 * The data product as CSV, pulled one keyset page at a time: memory stays flat whatever the
 * number of rows, and a slow client slows the reads instead of filling a buffer.
 */
export function exportCsv(db: Db, pipelineId: string, pipeline: CompiledPipeline): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const names = pipeline.fields.map((f) => f.name);
  let after = -1;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(names)));
        return;
      }
      const rows = await readExportRows(db, pipelineId, names, after, PAGE_ROWS);
      if (rows.length === 0) return controller.close();
      after = rows[rows.length - 1].ordinal;
      let chunk = "";
      for (const row of rows) chunk += csvLine(row.values.map(valueText));
      controller.enqueue(encoder.encode(chunk));
    },
  });
}
