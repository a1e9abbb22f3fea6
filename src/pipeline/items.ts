import { MAX_ITEMS, runItemExtractor } from "../documents/extractors/items";
import type { ExtractedItem } from "../documents/model";
import { completed, heldByReview, reason, unresolved } from "./cells";
import type { CompiledField } from "./definition";
import type { CompiledColumn } from "./items-definition";
import type { Candidate, Cell, CellStatus, Item, ParsedDocument } from "./types";

/**
 * Line items: a `table` field's cell holds its items as its value, each item a cell per column.
 * The table cell's `meta.item_texts[i]` keeps item i's source text, which review decisions match.
 */

export const itemsOf = (cell: Cell | undefined): Item[] => (Array.isArray(cell?.value) ? (cell!.value as Item[]) : []);
export const itemTexts = (cell: Cell | undefined): string[] => (cell?.meta.item_texts as string[] | undefined) ?? [];

export const blankCell = (column: CompiledColumn): Cell =>
  ({ value: null, status: "pending", type: column.type, reason: null, claimed_by: null, resolved_by: null, meta: {} });

function itemCell(column: CompiledColumn, candidate: Candidate | undefined, extractor: string): Cell {
  if (!candidate) {
    return unresolved(blankCell(column), "no_result", reason("not_found", "not in this item", `the item has no ${column.name}`), {});
  }
  return completed(blankCell(column), candidate.value, `extraction:${extractor}`, {
    candidates: [candidate], provenance: candidate.provenance, confidence: candidate.confidence,
  });
}

const toItem = (columns: CompiledColumn[], found: ExtractedItem, extractor: string): Item =>
  Object.fromEntries(columns.map((c) => [c.name, itemCell(c, found.cells[c.name], extractor)]));

/** A column resolves, and takes overrides, like a field of its type. */
export const columnField = (column: CompiledColumn): CompiledField =>
  ({ ...column, description: null, extract: [], expression: null });

/** Extraction of a table field: its extractors in a waterfall, every item of the first that yields any. */
export function extractItems(field: CompiledField, cell: Cell, parsed: ParsedDocument): Cell {
  const columns = field.columns!;
  const firstString = columns.find((c) => c.type === "string")?.name ?? null;
  const tried: string[] = [];
  for (const extractor of field.extract) {
    tried.push(extractor.type);
    const found = runItemExtractor(extractor, parsed, firstString);
    if (found.length === 0) continue;
    if (found.length > MAX_ITEMS) {
      const why = reason("too_many_items", "too many line items", `${found.length} items; the limit is ${MAX_ITEMS}`);
      return unresolved(cell, "failed", why, {});
    }
    const items = found.map((item) => toItem(columns, item, extractor.type));
    const meta = { item_count: items.length, item_texts: found.map((i) => i.text), confidence: 1 };
    return completed(cell, items, `extraction:${extractor.type}`, meta);
  }
  const why = reason("not_found", "no extractor found line items", `tried ${tried.join(", ")}; none yielded an item`);
  return unresolved(cell, "no_result", why, {});
}

/** Applies `change` to every item cell of a table cell that is not parked or decided by a reviewer. */
export function mapItemCells(cell: Cell, change: (column: string, itemCell: Cell, index: number) => Cell): Cell {
  const items = itemsOf(cell).map((item, index) =>
    Object.fromEntries(Object.entries(item).map(([column, c]) => [column, heldByReview(c) ? c : change(column, c, index)])));
  return { ...cell, value: items };
}

/** The items as plain objects for expressions: each column's value where its cell has one of the statuses. */
export function itemValues(cell: Cell, statuses: CellStatus[]): Array<Record<string, unknown>> {
  return itemsOf(cell).map((item) =>
    Object.fromEntries(Object.entries(item).map(([column, c]) => [column, statuses.includes(c.status) ? c.value : null])));
}

/** Whether any item cell failed or waits for review, or a required column has no value. */
export function itemsIncomplete(field: CompiledField, cell: Cell): boolean {
  const required = new Set(field.columns?.filter((c) => c.required).map((c) => c.name));
  return itemsOf(cell).some((item) => Object.entries(item).some(([column, c]) =>
    c.status === "failed" || c.status === "needs_review" || (required.has(column) && c.status !== "completed")));
}
