import { PermanentPhaseError, type ParsedDocument } from "../model";
import { detectFormat, MIME_OF, utf16Encoding, type FormatHints } from "../detect";
import { imageProblem, readImageHeader } from "../image-header";
import { selectPages, type PageRange } from "../page-range";
import { csvTable } from "./csv";
import { parseHtml } from "./html";
import { parseOffice } from "./office";
import { detectTables } from "../tables/detect";
import { checkJsonDepth, DEFAULT_PARSE_LIMITS, type ParseLimits } from "./limits";
import { parsePdf } from "./pdf";

/**
 * Names what the parsers produce; part of the parse cache key, so a parse stored by an older parser
 * (plain PDF text without word boxes, HTML without marks, PDFs without their tables) is never
 * reused as if it were current.
 */
export const PARSER_VERSION = 4;

export interface ParseOptions extends FormatHints {
  pageRange: PageRange | null;
  maxPages: number;
  /** Bounds the parsers check while working; the defaults when not given. */
  limits?: ParseLimits;
}

/** UTF-8 unless a byte-order mark or the declared `charset` says otherwise; undecodable bytes are refused. */
export function decodeText(bytes: Uint8Array, mimeType?: string | null): string {
  const declared = /;\s*charset="?([\w.:-]+)"?/i.exec(mimeType ?? "")?.[1];
  const encoding = utf16Encoding(bytes) ?? declared ?? "utf-8";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    decoder = new TextDecoder("utf-8", { fatal: true }); // an unknown charset label: try the web's default
  }
  try {
    return decoder.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new PermanentPhaseError("unsupported_format", `content is not ${decoder.encoding} text`);
  }
}

/** The pages a range keeps of a document; none, or more than the limit, end the document with a reason. */
function keptPages(pageCount: number, options: ParseOptions): number[] {
  const pages = selectPages(options.pageRange, pageCount);
  const plural = pageCount === 1 ? "page" : "pages";
  if (pages.length === 0) {
    throw new PermanentPhaseError(
      "page_range_empty",
      `page_range selects none of the document's ${pageCount} ${plural} (pages are zero-based)`,
    );
  }
  if (pages.length > options.maxPages) {
    throw new PermanentPhaseError("too_many_pages", `${pages.length} of ${pageCount} ${plural} selected; the limit is ${options.maxPages} (use page_range)`);
  }
  return pages;
}

/** An image's pages (TIFF frames, else one), blank until OCR reads them (./ocr.ts). */
function imageDocument(bytes: Uint8Array, filename: string | null, options: ParseOptions): Omit<ParsedDocument, "content_hash"> {
  const header = readImageHeader(bytes);
  const problem = imageProblem(header, options.maxPages);
  if (problem) throw new PermanentPhaseError(header ? "image_too_large" : "invalid_image", problem);
  const kept = keptPages(header!.pages, options);
  return {
    mime_type: `image/${header!.format}`, filename, pages: kept.map(() => ""), page_numbers: kept,
    page_info: kept.map(() => ({ source: "ocr" as const })), tables: [],
  };
}

/**
 * The one entry every format is parsed through (and what a parse box runs: ./box.ts). An error a
 * parser did not foresee is still the same for the same bytes, so it ends the document
 * (`parse_failed`) instead of being retried; a stack overflow means input nested too deep.
 */
export async function parseBytes(bytes: Uint8Array, options: ParseOptions): Promise<Omit<ParsedDocument, "content_hash">> {
  try {
    return await parseFormat(bytes, options);
  } catch (error) {
    if (error instanceof PermanentPhaseError) throw error;
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw new PermanentPhaseError("nesting_too_deep", "the document nests too deeply to parse");
    throw new PermanentPhaseError("parse_failed", `the document could not be parsed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Parses bytes to text with page boundaries: PDF pages, form feeds in text, one page for HTML,
 * CSV and JSON (which also keep their table or value). Only the pages in `pageRange` are kept;
 * `page_numbers` maps each kept page back to its zero-based number in the document.
 */
async function parseFormat(bytes: Uint8Array, options: ParseOptions): Promise<Omit<ParsedDocument, "content_hash">> {
  const limits = options.limits ?? DEFAULT_PARSE_LIMITS;
  let text: string | undefined;
  const decoded = () => (text ??= decodeText(bytes, options.mimeType));
  const format = detectFormat(bytes, decoded, options);
  const base = { mime_type: MIME_OF[format], filename: options.filename ?? null };
  if (format === "pdf") {
    const { pages, words, sizes, rules, pageNumbers, attachments } = await parsePdf(bytes, (count) => keptPages(count, options), limits);
    // Pages without a usable text layer are read by OCR after this (./ocr.ts), which also ends a textless document.
    const page_info = sizes.map((size) => ({ source: "text_layer" as const, ...size }));
    const hasRules = rules.some((page) => page.length > 0);
    return {
      ...base, pages, page_numbers: pageNumbers, words, page_info, ...(hasRules ? { rules } : {}), tables: detectTables(pages, words, rules),
      ...(attachments.length ? { attachments } : {}),
    };
  }
  if (format === "docx" || format === "pptx" || format === "xlsx" || format === "eml" || format === "msg") {
    return { ...base, ...(await parseOffice(format, bytes, (count) => keptPages(count, options))) };
  }
  if (format === "image") return imageDocument(bytes, base.filename, options);
  if (format === "html") {
    keptPages(1, options);
    const html = parseHtml(decoded());
    return { ...base, pages: [html.text], page_numbers: [0], tables: html.tables, ...(html.marks.length ? { marks: html.marks } : {}) };
  }
  const all = decoded().split("\f");
  const kept = keptPages(all.length, options);
  return {
    ...base,
    pages: kept.map((i) => all[i]),
    page_numbers: kept,
    tables: format === "csv" ? [csvTable(decoded())] : [],
    ...(format === "json" ? { json: parseJson(decoded()) } : {}),
  };
}

function parseJson(text: string): unknown {
  checkJsonDepth(text);
  return JSON.parse(text);
}
