import type { Extractor } from "../../pipeline/definition-schema";
import type { Candidate, ParsedDocument } from "../../pipeline/types";
import { resolvePointer } from "./json-pointer";
import { extractItemTable } from "./item-table";
import { extractRows } from "./rows";

/** At most this many items per field and document; more fail the cell rather than silently dropping any. */
export const MAX_ITEMS = 50_000;

/** One line item as found: the raw value of each column it has, and the text it was read from. */
export interface ExtractedItem {
  /** The item's source text (its row or lines); a review decision follows the item while this stays the same. */
  text: string;
  cells: Record<string, Candidate>;
}

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
 * Runs one line-item extractor; `null` when the extractor does not yield items. Pages in the
 * provenance are numbered as in the source, as for scalar candidates.
 */
export function runItemExtractor(extractor: Extractor, parsed: ParsedDocument, firstStringColumn: string | null): ExtractedItem[] {
  const items = extract(extractor, parsed, firstStringColumn);
  const numbers = parsed.page_numbers;
  items.forEach((item, index) => {
    for (const candidate of Object.values(item.cells)) {
      const page = numbers?.[candidate.provenance.page] ?? candidate.provenance.page;
      candidate.provenance = { ...candidate.provenance, page, item_index: index };
    }
  });
  return items;
}

function extract(extractor: Extractor, parsed: ParsedDocument, firstStringColumn: string | null): ExtractedItem[] {
  switch (extractor.type) {
    case "table": return extractor.columns ? extractItemTable(parsed, extractor as Parameters<typeof extractItemTable>[1]) : [];
    case "rows": return extractRows(parsed, extractor, firstStringColumn);
    case "json_pointer": return extractor.columns ? extractJsonItems(parsed, extractor.pointer, extractor.columns) : [];
    default: return [];
  }
}
