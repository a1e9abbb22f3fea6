import type { Candidate, ParsedDocument } from "../model";

export type MetadataKey = "filename" | "mime_type" | "page_count" | "content_hash";

/** Facts about the document itself rather than its text. */
export function extractMetadata(parsed: ParsedDocument, key: MetadataKey): Candidate[] {
  const value = key === "page_count" ? parsed.pages.length : parsed[key];
  if (value === null || value === undefined) return [];
  return [{ value, confidence: 1, provenance: { extractor: "metadata", page: 0, key } }];
}
