import type { ParsedDocument } from "../../pipeline/types";
import { PermanentPhaseError } from "../../pipeline/types";
import { detectFormat, MIME_OF, type FormatHints } from "../detect";
import { selectPages, type PageRange } from "../page-range";
import { csvTable } from "./csv";
import { parseHtml } from "./html";
import { parsePdf } from "./pdf";

export interface ParseOptions extends FormatHints {
  pageRange: PageRange | null;
  maxPages: number;
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new PermanentPhaseError("unsupported_format", "content is not UTF-8 text");
  }
}

function limitPages(pageCount: number, pages: number[], maxPages: number) {
  if (pages.length > maxPages) {
    throw new PermanentPhaseError("too_many_pages", `${pages.length} of ${pageCount} pages selected; the limit is ${maxPages} (use page_range)`);
  }
  return pages;
}

/**
 * Parses bytes to text with page boundaries: PDF pages, form feeds in text, one page for HTML,
 * CSV and JSON (which also keep their table or value). Only the pages in `pageRange` are kept;
 * `page_numbers` maps each kept page back to its zero-based number in the document.
 */
export async function parseBytes(bytes: Uint8Array, options: ParseOptions): Promise<Omit<ParsedDocument, "content_hash">> {
  let text: string | undefined;
  const decoded = () => (text ??= utf8(bytes));
  const format = detectFormat(bytes, decoded, options);
  const base = { mime_type: MIME_OF[format], filename: options.filename ?? null };
  if (format === "pdf") {
    const { pages, pageNumbers } = await parsePdf(bytes, (count) => limitPages(count, selectPages(options.pageRange, count), options.maxPages));
    return { ...base, pages, page_numbers: pageNumbers, tables: [] };
  }
  if (format === "html") {
    const html = parseHtml(decoded());
    return { ...base, pages: [html.text], page_numbers: [0], tables: html.tables };
  }
  const all = decoded().split("\f");
  const kept = limitPages(all.length, selectPages(options.pageRange, all.length), options.maxPages);
  return {
    ...base,
    pages: kept.map((i) => all[i]),
    page_numbers: kept,
    tables: format === "csv" ? [csvTable(decoded())] : [],
    ...(format === "json" ? { json: JSON.parse(decoded()) } : {}),
  };
}
