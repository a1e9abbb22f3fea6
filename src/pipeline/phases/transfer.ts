import { sha256Hex } from "../../crypto";
import { csvTable } from "../../documents/parse/csv";
import { binaryReason, detectFormat, MIME_OF } from "../../documents/detect";
import { PermanentPhaseError, type ParsedDocument } from "../types";

/** How a document's bytes were handed in; stored on the document row. */
export type DocumentSource = { kind: "text"; text: string } | { kind: "base64"; data: string };

export interface TransferInput {
  source: DocumentSource;
  filename: string | null;
  mimeType: string | null;
}

/** Brings the bytes in and parses them to text with page boundaries (form feeds split pages). */
export async function runTransfer(input: TransferInput): Promise<ParsedDocument> {
  const text = decode(input.source);
  const format = detectFormat(text, { mimeType: input.mimeType, filename: input.filename });
  const pages = text.split("\f");
  return {
    mime_type: MIME_OF[format],
    filename: input.filename,
    pages,
    tables: format === "csv" ? [csvTable(text)] : [],
    ...(format === "json" ? { json: JSON.parse(text) } : {}),
    content_hash: await sha256Hex(text),
  };
}

function decode(source: DocumentSource): string {
  if (source.kind === "text") return source.text;
  // Anything else is a bug or a corrupt row, not bad input: fail retryably so it is noticed, not swallowed.
  if (source.kind !== "base64" || typeof source.data !== "string") throw new Error(`unknown document source '${(source as { kind?: string }).kind}'`);
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(source.data), (c) => c.charCodeAt(0));
  } catch {
    throw new PermanentPhaseError("invalid_base64", "content_base64 is not valid base64");
  }
  const binary = binaryReason(bytes);
  if (binary) throw new PermanentPhaseError("unsupported_format", binary);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new PermanentPhaseError("unsupported_format", "content is not UTF-8 text");
  }
}
