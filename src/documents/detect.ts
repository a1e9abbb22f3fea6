import { imageFormat, imageProblem, readImageHeader } from "./image-header";
import { PermanentPhaseError } from "./model";
import { parseCsv, sniffDelimiter } from "./parse/csv";

/** Formats the transfer phase parses; detection trusts content (magic bytes) over names. */
export type DocumentFormat = "pdf" | "html" | "text" | "markdown" | "csv" | "json" | "image";

// Maps, not objects: a name like "x.constructor" must not find a prototype member.
const BY_EXTENSION = new Map<string, DocumentFormat>(Object.entries({
  pdf: "pdf", html: "html", htm: "html", xhtml: "html", txt: "text", text: "text", md: "markdown", markdown: "markdown", csv: "csv", json: "json",
}) as Array<[string, DocumentFormat]>);
const BY_MIME = new Map<string, DocumentFormat>(Object.entries({
  "application/pdf": "pdf", "text/html": "html", "application/xhtml+xml": "html", "text/markdown": "markdown", "text/x-markdown": "markdown",
  "text/csv": "csv", "application/csv": "csv", "application/json": "json", "text/json": "json",
}) as Array<[string, DocumentFormat]>);

export const MIME_OF: Record<DocumentFormat, string> = {
  pdf: "application/pdf", html: "text/html", text: "text/plain", markdown: "text/markdown", csv: "text/csv", json: "application/json",
  image: "image/png", // the header's own type replaces it (see parseBytes)
};

export interface FormatHints {
  mimeType?: string | null;
  filename?: string | null;
}

const starts = (bytes: Uint8Array, ...sig: number[]) => sig.every((b, i) => bytes[i] === b);
export const isPdf = (bytes: Uint8Array) => starts(bytes, 0x25, 0x50, 0x44, 0x46); // %PDF
/** UTF-16 with a byte-order mark: text, although every other byte is zero. */
export const utf16Encoding = (bytes: Uint8Array) => (starts(bytes, 0xff, 0xfe) ? "utf-16le" : starts(bytes, 0xfe, 0xff) ? "utf-16be" : null);

/** Why bytes can never be parsed (images, archives, other binaries), or null. Cheap enough to run at upload. */
export function unsupportedReason(bytes: Uint8Array): string | null {
  if (isPdf(bytes) || utf16Encoding(bytes)) return null;
  // PNG, JPEG, WEBP and TIFF are read by OCR; their header must promise a size the reader accepts.
  if (imageFormat(bytes)) return imageProblem(readImageHeader(bytes));
  if (starts(bytes, 0x47, 0x49, 0x46, 0x38) || starts(bytes, 0x52, 0x49, 0x46, 0x46)) return "GIF and other RIFF images are not supported (PNG, JPEG, WEBP or TIFF are)";
  if (starts(bytes, 0x50, 0x4b, 0x03, 0x04) || starts(bytes, 0x1f, 0x8b) || starts(bytes, 0xd0, 0xcf, 0x11, 0xe0)) {
    return "archives and office files are not supported";
  }
  if (bytes.subarray(0, 4096).includes(0)) return "binary content is not supported";
  return null;
}

/**
 * The format the caller declared: a MIME type that names one, else the file name's extension.
 * Generic or foreign types (text/plain, application/octet-stream, Excel's type for .csv) let the name decide.
 */
export function declaredFormat(hints: FormatHints): DocumentFormat | undefined {
  const mime = hints.mimeType?.split(";")[0]?.trim().toLowerCase() ?? "";
  const extension = hints.filename?.includes(".") ? hints.filename.split(".").pop()?.toLowerCase() : undefined;
  const specific = BY_MIME.get(mime) ?? (mime.endsWith("+json") ? "json" : undefined);
  return specific ?? (extension ? BY_EXTENSION.get(extension) : undefined);
}

/** Several lines that split into the same number (≥ 2) of delimited fields. */
function looksLikeCsv(text: string): boolean {
  const head = text.length > 4096 ? text.slice(0, text.lastIndexOf("\n", 4096)) : text; // whole lines only
  const lines = head.split(/\r?\n/).filter((line) => line.trim() !== "").slice(0, 10);
  if (lines.length < 2) return false;
  const delimiter = sniffDelimiter(text);
  const widths = lines.map((line) => parseCsv(line, delimiter)[0]?.length ?? 0);
  return widths[0] >= 2 && widths.every((w) => w === widths[0]);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The format of a document: magic bytes and content first (PDF, HTML, JSON), then the declared
 * type or name, then CSV-looking content; plain text otherwise. Binary content is refused.
 */
export function detectFormat(bytes: Uint8Array, text: () => string, hints: FormatHints): DocumentFormat {
  if (isPdf(bytes)) return "pdf";
  if (imageFormat(bytes)) return "image";
  const reason = unsupportedReason(bytes);
  if (reason) throw new PermanentPhaseError("unsupported_format", reason);
  const head = text().slice(0, 1024).trimStart().toLowerCase();
  if (/^<(!doctype html|html|head|body)[\s>]/.test(head)) return "html";
  if ((head.startsWith("{") || head.startsWith("[")) && isJson(text())) return "json";
  const declared = declaredFormat(hints);
  // Named PDF or JSON, but the content says otherwise: read what is there.
  if (declared === "pdf" || declared === "json") return "text";
  return declared ?? (looksLikeCsv(text()) ? "csv" : "text");
}
