import { PermanentPhaseError } from "./model";
import { parseCsv, sniffDelimiter } from "./parse/csv";
import { compoundKind, isCompoundFile, officeKind, type OfficeKind } from "./parse/ooxml";
import { isZip, ZipArchive } from "./parse/zip";

/** Formats the transfer phase parses; detection trusts content (magic bytes) over names. */
export type DocumentFormat = "pdf" | "html" | "text" | "markdown" | "csv" | "json" | OfficeKind | "eml" | "msg";

// Maps, not objects: a name like "x.constructor" must not find a prototype member.
const BY_EXTENSION = new Map<string, DocumentFormat>(Object.entries({
  pdf: "pdf", html: "html", htm: "html", xhtml: "html", txt: "text", text: "text", md: "markdown", markdown: "markdown", csv: "csv", json: "json",
  docx: "docx", pptx: "pptx", xlsx: "xlsx", eml: "eml", msg: "msg",
}) as Array<[string, DocumentFormat]>);
const BY_MIME = new Map<string, DocumentFormat>(Object.entries({
  "application/pdf": "pdf", "text/html": "html", "application/xhtml+xml": "html", "text/markdown": "markdown", "text/x-markdown": "markdown",
  "text/csv": "csv", "application/csv": "csv", "application/json": "json", "text/json": "json",
  "message/rfc822": "eml",
}) as Array<[string, DocumentFormat]>);

const BINARY = new Set<DocumentFormat>(["docx", "pptx", "xlsx", "eml", "msg"]);

export const MIME_OF: Record<DocumentFormat, string> = {
  pdf: "application/pdf", html: "text/html", text: "text/plain", markdown: "text/markdown", csv: "text/csv", json: "application/json",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  eml: "message/rfc822", msg: "application/vnd.ms-outlook",
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
  if (starts(bytes, 0x89, 0x50, 0x4e, 0x47) || starts(bytes, 0xff, 0xd8, 0xff) || starts(bytes, 0x47, 0x49, 0x46, 0x38) ||
    starts(bytes, 0x52, 0x49, 0x46, 0x46) || starts(bytes, 0x49, 0x49, 0x2a, 0x00) || starts(bytes, 0x4d, 0x4d, 0x00, 0x2a)) {
    return "images are not supported (no OCR)";
  }
  if (isZip(bytes)) return zipReason(bytes);
  if (isCompoundFile(bytes)) return compoundKind(bytes) === "legacy" ? "legacy binary Office files (.doc, .xls, .ppt) are not supported" : null;
  if (starts(bytes, 0x1f, 0x8b)) return "archives are not supported";
  if (bytes.subarray(0, 4096).includes(0)) return "binary content is not supported";
  return null;
}

/** A ZIP is read if it is an Office file; a ZIP that cannot be read at all is left to the parse, which names it `invalid_document`. */
function zipReason(bytes: Uint8Array): string | null {
  if (officeKind(bytes)) return null;
  try {
    new ZipArchive(bytes);
  } catch {
    return null;
  }
  return "archives are not supported (a ZIP holding no Word, PowerPoint or Excel document)";
}

/**
 * Binary formats told by their content: an Office file by its `[Content_Types].xml`, an Outlook
 * message by its property streams. A ZIP or compound file that is none of these but unreadable or
 * password-protected ends here with the code naming why.
 */
function binaryFormat(bytes: Uint8Array): DocumentFormat | null {
  if (isZip(bytes)) {
    const kind = officeKind(bytes);
    if (kind) return kind;
    new ZipArchive(bytes); // throws invalid_document for a truncated or corrupt archive
    return null;
  }
  if (!isCompoundFile(bytes)) return null;
  const kind = compoundKind(bytes);
  if (kind === "encrypted") throw new PermanentPhaseError("encrypted_document", "the Office file is password-protected");
  return kind === "msg" ? "msg" : null;
}

const MAIL_HEADERS = /^(from|to|cc|subject|date|message-id|mime-version|received|return-path|delivered-to|reply-to|content-type):/i;

/**
 * An RFC 822 message: the text starts with a block of header lines (`Name: value`, folded lines
 * indented) holding a From plus a Date, Subject or To, or a Received or MIME-Version header. Read as
 * Latin-1 so an 8-bit mail is recognised before its charset is known.
 */
function looksLikeMail(bytes: Uint8Array, declared: DocumentFormat | undefined): boolean {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 8192)).replace(/\r\n/g, "\n");
  const block = head.split("\n\n")[0].split("\n");
  if (block.length < 2 || !block.every((line) => /^[!-9;-~]+:/.test(line) || /^[ \t]/.test(line))) return false;
  const names = new Set(block.filter((line) => MAIL_HEADERS.test(line)).map((line) => line.split(":")[0].toLowerCase()));
  if (declared === "eml") return names.size >= 1;
  return names.has("received") || names.has("mime-version") || (names.has("from") && ["date", "subject", "to"].some((n) => names.has(n)));
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
  const binary = binaryFormat(bytes);
  if (binary) return binary;
  const reason = unsupportedReason(bytes);
  if (reason) throw new PermanentPhaseError("unsupported_format", reason);
  if (looksLikeMail(bytes, declaredFormat(hints))) return "eml";
  const head = text().slice(0, 1024).trimStart().toLowerCase();
  if (/^<(!doctype html|html|head|body)[\s>]/.test(head)) return "html";
  if ((head.startsWith("{") || head.startsWith("[")) && isJson(text())) return "json";
  const declared = declaredFormat(hints);
  // Named PDF or JSON, but the content says otherwise: read what is there.
  if (declared === "pdf" || declared === "json" || (declared && BINARY.has(declared))) return "text";
  return declared ?? (looksLikeCsv(text()) ? "csv" : "text");
}
