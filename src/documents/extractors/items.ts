import { spanBox, type Candidate, type ExtractedItem, type ParsedDocument } from "../model";
import type { Extractor } from "./schema";
import { resolvePointer } from "./json-pointer";
import { withHeaderRows } from "./header-row";
import { extractItemTable } from "./item-table";
import { extractRows } from "./rows";
import { whenMatches } from "./scope";
import { ocrProvenance, ocrWeighted } from "./ocr-confidence";

/** At most this many items per field and document; more fail the cell rather than silently dropping any. */
export const MAX_ITEMS = 50_000;

/** The items of a JSON array of objects: `columns` maps each column to a key (or a pointer inside the item). */
function extractJsonItems(parsed: ParsedDocument, pointer: string, columns: Record<string, string>): ExtractedItem[] {
  if (parsed.json === undefined) return [];
  const list = resolvePointer(parsed.json, pointer);
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry, i) => {
    if (typeof entry !== "object" || entry === null) return [];
    const cells: Record<string, Candidate> = {};
    for (const [column, key] of Object.entries(columns)) {
      const path = key.startsWith("/") ? key : `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      const value = resolvePointer(entry, path);
      if (value === undefined || value === null || value === "") continue;
      cells[column] = { value, confidence: 1, provenance: { extractor: "json_pointer", page: 0, pointer: `${pointer}/${i}${path}` } };
    }
    return Object.keys(cells).length > 0 ? [{ text: JSON.stringify(entry), cells }] : [];
  });
}

/**
 * Runs one line-item extractor. Every cell's provenance names its item, its page as numbered in
 * the source (as for scalar candidates), and on PDFs the box of the words its span covers.
 */
export function runItemExtractor(extractor: Extractor, parsed: ParsedDocument, firstStringColumn: string | null): ExtractedItem[] {
  if (extractor.when && whenMatches(parsed, extractor.when) === null) return [];
  const items = extract(extractor, parsed, firstStringColumn);
  const numbers = parsed.page_numbers;
  items.forEach((item, index) => {
    for (const candidate of Object.values(item.cells)) {
      const { page, start, end } = candidate.provenance;
      const words = parsed.words?.[page];
      const bbox = candidate.provenance.bbox ?? (words && start !== undefined && end !== undefined ? spanBox(words, start, end) : null);
      const ocr = ocrProvenance(parsed, page, start, end);
      candidate.provenance = { ...candidate.provenance, page: numbers?.[page] ?? page, item_index: index, ...(bbox ? { bbox } : {}), ...ocr };
      candidate.confidence = ocrWeighted(candidate).confidence;
    }
  });
  return items;
}

function extract(extractor: Extractor, parsed: ParsedDocument, firstStringColumn: string | null): ExtractedItem[] {
  switch (extractor.type) {
    case "table": return extractor.columns ? extractItemTable(withHeaderRows(parsed, extractor.header_row), extractor as Parameters<typeof extractItemTable>[1]) : [];
    case "rows": return extractRows(parsed, extractor, firstStringColumn);
    case "json_pointer": return extractor.columns ? extractJsonItems(parsed, extractor.pointer, extractor.columns) : [];
    default: return [];
  }
}
