import type { Extractor } from "../../pipeline/definition-schema";
import type { Candidate, ParsedDocument } from "../model";
import type { FieldType } from "../../pipeline/types";
import { extractJsonPointer } from "./json-pointer";
import { extractLabel } from "./label";
import { extractMetadata } from "./metadata";
import { extractRegex } from "./regex";
import { extractTable } from "./table";

/**
 * Runs one extractor of a field over a parsed document; every candidate carries its provenance,
 * with the page numbered as in the source even when a page_range kept only some pages.
 */
export function runExtractor(extractor: Extractor, parsed: ParsedDocument, type: FieldType): Candidate[] {
  const numbers = parsed.page_numbers;
  const candidates = extract(extractor, parsed, type);
  return numbers ? candidates.map((c) => ({ ...c, provenance: { ...c.provenance, page: numbers[c.provenance.page] ?? c.provenance.page } })) : candidates;
}

function extract(extractor: Extractor, parsed: ParsedDocument, type: FieldType): Candidate[] {
  switch (extractor.type) {
    case "label": return extractLabel(parsed, extractor.labels, type);
    case "regex": return extractRegex(parsed, extractor.pattern, extractor.flags, extractor.group);
    case "table": return extractTable(parsed, extractor);
    case "json_pointer": return extractJsonPointer(parsed, extractor.pointer);
    case "metadata": return extractMetadata(parsed, extractor.key);
  }
}
