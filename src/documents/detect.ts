import { PermanentPhaseError } from "../pipeline/types";

/** Formats the transfer phase parses; detection trusts content (magic bytes) over names. */
export type DocumentFormat = "pdf" | "html" | "text" | "markdown" | "csv" | "json";

const BY_EXTENSION: Record<string, DocumentFormat> = {
  pdf: "pdf", html: "html", htm: "html", txt: "text", text: "text", md: "markdown", markdown: "markdown", csv: "csv", json: "json",
};
const BY_MIME: Record<string, DocumentFormat> = {
  "application/pdf": "pdf", "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text",
  "text/markdown": "markdown", "text/csv": "csv", "application/json": "json",
};

export const MIME_OF: Record<DocumentFormat, string> = {
  pdf: "application/pdf", html: "text/html", text: "text/plain", markdown: "text/markdown", csv: "text/csv", json: "application/json",
};

export interface FormatHints {
  mimeType?: string | null;
  filename?: string | null;
}

const starts = (bytes: Uint8Array, ...sig: number[]) => sig.every((b, i) => bytes[i] === b);

/** Why bytes can never be parsed (images, archives, other binaries), or null. Cheap enough to run at upload. */
export function unsupportedReason(bytes: Uint8Array): string | null {
  if (starts(bytes, 0x25, 0x50, 0x44, 0x46)) return null; // %PDF
  if (starts(bytes, 0x89, 0x50, 0x4e, 0x47) || starts(bytes, 0xff, 0xd8, 0xff) || starts(bytes, 0x47, 0x49, 0x46) || starts(bytes, 0x52, 0x49, 0x46, 0x46)) {
    return "images are not supported (no OCR)";
  }
  if (starts(bytes, 0x50, 0x4b, 0x03, 0x04) || starts(bytes, 0x1f, 0x8b)) return "archives and office files are not supported";
  if (bytes.subarray(0, 4096).includes(0)) return "binary content is not supported";
  return null;
}

function hinted(hints: FormatHints): DocumentFormat | undefined {
  const mime = hints.mimeType?.split(";")[0]?.trim().toLowerCase();
  const extension = hints.filename?.includes(".") ? hints.filename.split(".").pop()?.toLowerCase() : undefined;
  return (mime && BY_MIME[mime]) || (extension && BY_EXTENSION[extension]) || undefined;
}

/** The format of a document: magic bytes and content first, then the declared type, then the name. */
export function detectFormat(bytes: Uint8Array, text: () => string, hints: FormatHints): DocumentFormat {
  if (starts(bytes, 0x25, 0x50, 0x44, 0x46)) return "pdf";
  const reason = unsupportedReason(bytes);
  if (reason) throw new PermanentPhaseError("unsupported_format", reason);
  const head = text().slice(0, 1024).trimStart().toLowerCase();
  if (head.startsWith("<!doctype html") || head.startsWith("<html")) return "html";
  if ((head.startsWith("{") || head.startsWith("[")) && isJson(text())) return "json";
  const declared = hinted(hints);
  if (declared === "pdf" || declared === "json") return "text"; // named so, but the content says otherwise
  return declared ?? "text";
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
