import * as v from "valibot";
import type { Candidate, ParsedDocument } from "../model";
import { WhenInput } from "./options";

export const METADATA_KEYS = ["filename", "mime_type", "page_count", "content_hash"] as const;
export type MetadataKey = (typeof METADATA_KEYS)[number];

export const MetadataExtractorInput = v.strictObject({
  type: v.pipe(v.literal("metadata"), v.description("a fact about the file rather than its text")),
  key: v.pipe(v.picklist(METADATA_KEYS), v.description("which fact")),
  when: v.optional(WhenInput),
});

/** Facts about the document itself rather than its text. */
export function extractMetadata(parsed: ParsedDocument, key: MetadataKey): Candidate[] {
  const value = key === "page_count" ? parsed.pages.length : parsed[key];
  if (value === null || value === undefined) return [];
  return [{ value, confidence: 1, provenance: { extractor: "metadata", page: 0, key } }];
}
