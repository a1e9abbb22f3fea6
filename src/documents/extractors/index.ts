import type { Extractor } from "../../pipeline/definition-schema";
import { spanBox, type Candidate, type ParsedDocument, type Provenance } from "../model";
import type { FieldType } from "../../pipeline/types";
import { extractJsonPointer } from "./json-pointer";
import { extractLabel } from "./label";
import { extractMetadata } from "./metadata";
import { extractRegex } from "./regex";
import { extractTable } from "./table";

/**
 * Runs one extractor of a field over a parsed document; every candidate carries its provenance,
 * with the page numbered as in the source even when a page_range kept only some pages, and on
 * PDFs the box of the words its span covers.
 */
export function runExtractor(extractor: Extractor, parsed: ParsedDocument, type: FieldType): Candidate[] {
  return extract(extractor, parsed, type).map((c) => ({ ...c, provenance: located(c.provenance, parsed) }));
}

/** Provenance as a reader of the source sees it: the source's page number, and the box when the parse kept word boxes. */
function located(provenance: Provenance, parsed: ParsedDocument): Provenance {
  const { page, start, end } = provenance;
  const words = parsed.words?.[page];
  const bbox = words && start !== undefined && end !== undefined ? spanBox(words, start, end) : null;
  return { ...provenance, page: parsed.page_numbers?.[page] ?? page, ...(bbox ? { bbox } : {}) };
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
