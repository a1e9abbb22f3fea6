import { isBase64, NodeBuffer, sha256Hex } from "../../crypto";
import { fetchDocument, type FetchPolicy } from "../../documents/fetch";
import { parsePageRange } from "../../documents/page-range";
import { PARSER_VERSION } from "../../documents/parse";
import type { ParseBox } from "../../documents/parse/box";
import type { ParseLimits } from "../../documents/parse/limits";
import { DEFAULT_OCR, readScannedPages, type OcrOptions } from "../../documents/parse/ocr";
import type { PageReader } from "../../adapters/ocr/interface";
import type { CompiledPipeline } from "../definition";
import type { OcrSettings } from "../definition-schema";
import { PermanentPhaseError, type ParsedDocument } from "../types";
import { replaceUnstorableText } from "../../documents/clean-text";

/** How a document's bytes were handed in; stored on the document row. */
export type DocumentSource = { kind: "text"; text: string } | { kind: "base64"; data: string } | { kind: "url"; url: string };

export interface TransferInput {
  source: DocumentSource;
  filename: string | null;
  mimeType: string | null;
  pageRange: string | null;
  skipCache: boolean;
  /** The document's cache key when known at creation, and the stored parse the delivery read found for it. */
  cacheKey: string | null;
  cached: ParsedDocument | null;
  ocr: OcrOptions;
}

export interface TransferDeps {
  fetchPolicy: FetchPolicy;
  maxPages: number;
  parseLimits: ParseLimits;
  parse: ParseBox;
  findCachedParse(cacheKey: string): Promise<ParsedDocument | null>;
  /** Reads scanned pages; null where the runtime has none (the Worker), and `readerMissing` says what to set. */
  reader: PageReader | null;
  readerMissing: string;
}

/** The run's OCR options over its transfer phase's, over the defaults. */
export function ocrOptions(pipeline: CompiledPipeline, run: OcrSettings | undefined): OcrOptions {
  const phase = pipeline.phases.find((p) => p.type === "transfer");
  const fromPhase = phase?.type === "transfer" ? phase.ocr : undefined;
  return { ...DEFAULT_OCR, ...fromPhase, ...run };
}

export interface TransferResult {
  parsed: ParsedDocument;
  /** What the step should say about the document beyond its status (e.g. characters replaced). */
  notes?: Array<{ code: string; message: string }>;
  lookupKey: string;
  cacheHit: boolean;
}

/**
 * What makes two parses interchangeable: the same bytes, read the same way (the declared type,
 * with its charset, and the name can decide format and decoding), limited to the same pages, by the same parser.
 */
export function parseCacheKey(
  contentHash: string, hints: { filename: string | null; mimeType: string | null }, pageRange: string | null, ocr: OcrOptions,
) {
  const extension = hints.filename?.includes(".") ? hints.filename.split(".").pop()!.toLowerCase() : "";
  const reading = `${ocr.mode}:${ocr.languages.join("+")}:${ocr.dpi}`;
  return `${contentHash}|${hints.mimeType?.replace(/\s+/g, "").toLowerCase() ?? ""}|${extension}|${pageRange ?? "all"}|${reading}|p${PARSER_VERSION}`;
}

export function decodeBase64(data: string): Uint8Array {
  // Strict base64 (what the API accepts) decodes natively on Node; anything looser goes through atob's checks.
  if (NodeBuffer && isBase64(data)) {
    const decoded = NodeBuffer.from(data, "base64");
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  }
  let binary: string;
  try {
    binary = atob(data);
  } catch {
    throw new PermanentPhaseError("invalid_base64", "content_base64 is not valid base64");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The bytes of an inline source (the URL kind is fetched by the phase). */
export function inlineBytes(source: DocumentSource): Uint8Array | null {
  if (source.kind === "text") return new TextEncoder().encode(source.text);
  if (source.kind === "base64") return decodeBase64(source.data);
  return null;
}

/** The last segment of a URL's path, when it looks like a file name. */
function urlFilename(url: string): string | null {
  const segment = new URL(url).pathname.split("/").pop() ?? "";
  let name = segment;
  try {
    name = decodeURIComponent(segment);
  } catch {
    // A malformed escape: keep the segment as written.
  }
  return name.includes(".") ? name.slice(0, 255) : null;
}

/** The bytes, with what the source says about them: a URL's Content-Type and file name stand in for undeclared ones. */
async function sourceBytes(input: TransferInput, deps: TransferDeps) {
  const { source } = input;
  if (source.kind === "url") {
    const fetched = await fetchDocument(source.url, deps.fetchPolicy);
    return { bytes: fetched.bytes, hints: { mimeType: input.mimeType ?? fetched.contentType, filename: input.filename ?? urlFilename(fetched.url) } };
  }
  const bytes = inlineBytes(source);
  // Anything else is a bug or a corrupt row, not bad input: fail retryably so it is noticed, not swallowed.
  if (!bytes) throw new Error(`unknown document source '${(source as { kind?: string }).kind}'`);
  return { bytes, hints: { mimeType: input.mimeType, filename: input.filename } };
}

/**
 * Brings the bytes in (inline, or fetched with SSRF checks), reuses a stored parse of the same
 * content unless `skip_cache`, otherwise parses to text with page boundaries.
 */
export async function runTransfer(input: TransferInput, deps: TransferDeps): Promise<TransferResult> {
  // A stored parse is shared by content; the name is this document's own.
  const reuse = (parsed: ParsedDocument, lookupKey: string, filename: string | null) => ({ parsed: { ...parsed, filename }, lookupKey, cacheHit: true });
  // A stored parse that had attachments gave their bytes to its children: it cannot make them again.
  const reusable = (parsed: ParsedDocument | null): parsed is ParsedDocument => Boolean(parsed && !parsed.attachments?.length);
  if (reusable(input.cached) && input.cacheKey && !input.skipCache && input.source.kind !== "url") return reuse(input.cached, input.cacheKey, input.filename);
  const { bytes, hints } = await sourceBytes(input, deps);
  const contentHash = await sha256Hex(bytes);
  // Inline content was keyed at creation; a URL's may have changed since (a rerun, a schedule), so it is keyed anew.
  const lookupKey = (input.source.kind !== "url" && input.cacheKey) || parseCacheKey(contentHash, hints, input.pageRange, input.ocr);
  if (!input.skipCache && input.source.kind === "url") {
    const cached = await deps.findCachedParse(lookupKey);
    if (reusable(cached)) return reuse(cached, lookupKey, hints.filename);
  }
  const range = input.pageRange ? parsePageRange(input.pageRange) : null;
  if (typeof range === "string") throw new PermanentPhaseError("invalid_page_range", range);
  const text = await deps.parse(bytes, { ...hints, pageRange: range, maxPages: deps.maxPages, limits: deps.parseLimits });
  const kind = text.mime_type === "application/pdf" ? "pdf" : text.mime_type.startsWith("image/") ? "image" : null;
  const read = kind ? await readScannedPages(text, { kind, bytes }, input.ocr, deps.reader, deps.readerMissing) : text;
  const parsed: ParsedDocument = { ...read, content_hash: contentHash };
  const replaced = replaceUnstorableText(parsed);
  const notes = replaced > 0
    ? [{ code: "text_replaced", message: `${replaced} NUL or lone-surrogate character(s) in the document were replaced with U+FFFD` }]
    : undefined;
  return { parsed, lookupKey, cacheHit: false, notes };
}
