/** Formats the transfer phase can parse today; detection trusts content over names. */
export type DocumentFormat = "text" | "markdown" | "csv" | "json";

const BY_EXTENSION: Record<string, DocumentFormat> = {
  txt: "text", text: "text", md: "markdown", markdown: "markdown", csv: "csv", json: "json",
};
const BY_MIME: Record<string, DocumentFormat> = {
  "text/plain": "text", "text/markdown": "markdown", "text/csv": "csv", "application/json": "json",
};

export const MIME_OF: Record<DocumentFormat, string> = {
  text: "text/plain", markdown: "text/markdown", csv: "text/csv", json: "application/json",
};

/** Why a document cannot be parsed, or null when it looks like text. */
export function binaryReason(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, 8);
  const starts = (...sig: number[]) => sig.every((b, i) => head[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46)) return "PDF input is not supported by this transfer phase yet";
  if (starts(0x89, 0x50, 0x4e, 0x47) || starts(0xff, 0xd8, 0xff) || starts(0x47, 0x49, 0x46)) return "images are not supported";
  if (starts(0x50, 0x4b, 0x03, 0x04)) return "archives and office files are not supported";
  if (bytes.subarray(0, 4096).includes(0)) return "binary content is not supported";
  return null;
}

export function detectFormat(text: string, hints: { mimeType?: string | null; filename?: string | null }): DocumentFormat {
  const trimmed = text.trimStart();
  if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && isJson(trimmed)) return "json";
  const mime = hints.mimeType?.split(";")[0]?.trim().toLowerCase();
  if (mime && BY_MIME[mime] && BY_MIME[mime] !== "json") return BY_MIME[mime];
  const extension = hints.filename?.split(".").pop()?.toLowerCase();
  if (extension && BY_EXTENSION[extension] && BY_EXTENSION[extension] !== "json") return BY_EXTENSION[extension];
  return "text";
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
