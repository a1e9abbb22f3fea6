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
 * number of rows, and a slow client slows the reads instead of filling a buffer. The next page is
 * read while the current one is formatted (one page ahead, no more), so the two overlap.
 */
export function exportCsv(db: Db, pipelineId: string, pipeline: CompiledPipeline): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const names = pipeline.fields.map((f) => f.name);
  const page = (after: number) => readExportRows(db, pipelineId, names, after, PAGE_ROWS);
  let next: ReturnType<typeof page> | null = null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(names)));
      next = page(-1);
    },
    async pull(controller) {
      const rows = await next!;
      if (rows.length === 0) return controller.close();
      next = rows.length < PAGE_ROWS ? Promise.resolve([]) : page(rows[rows.length - 1].ordinal);
      next.catch(() => undefined); // a failed read surfaces at the next pull, not as an unhandled rejection
      let chunk = "";
      for (const row of rows) chunk += csvLine(row.values.map(valueText));
      controller.enqueue(encoder.encode(chunk));
    },
  });
}
