import { located } from "../documents/extractors";
import { MAX_ITEMS } from "../documents/extractors/items";
import { groundAnswer, type ModelAnswer } from "../documents/grounding";
import type { ModelItem } from "../documents/llm-request";
import type { NormalizeOptions } from "../documents/normalize";
import { completed, reason, unresolved } from "./cells";
import type { CompiledColumn } from "./items-definition";
import { blankCell } from "./items";
import type { Cell, FieldType, Item, ParsedDocument } from "./types";

/**
 * A model's answer as a cell: grounded in the document (a candidate like any extractor's), parked for
 * review (`ungrounded`/`value_not_in_quote`, never released), or no value. Line items are cells too:
 * each item's column is settled exactly like a scalar field, by the column's own normaliser.
 */

/** Where the answer may be grounded (indexes into `parsed.pages`), and how its value reads. */
export interface Reading {
  pages: number[];
  type: FieldType;
  options: NormalizeOptions;
  phaseIndex: number;
}

export function settle(cell: Cell, answer: ModelAnswer | undefined, parsed: ParsedDocument, reading: Reading, at: { item_index?: number } = {}): Cell {
  const llm = { value: answer?.value ?? null, quote: answer?.quote ?? null, page: answer?.page ?? null };
  if (!answer || answer.value === null || answer.value.trim() === "") {
    return unresolved(cell, "no_result", reason("not_found", "no extractor found a value", "the model found no value in the document"), { llm });
  }
  if (answer.quote === null) return held(cell, "ungrounded", "the model gave no quote for its value", llm, reading.phaseIndex);
  const grounded = groundAnswer(parsed, reading.pages, { ...answer, value: answer.value, quote: answer.quote }, reading.type, reading.options);
  if (!grounded.grounded) return held(cell, grounded.code, grounded.message, llm, reading.phaseIndex);
  const candidate = { ...grounded.candidate, provenance: { ...located(grounded.candidate.provenance, parsed), ...at } };
  const match = { kind: grounded.match.kind, distance: grounded.match.distance };
  return completed(cell, candidate.value, "extraction:llm", { candidates: [candidate], provenance: candidate.provenance, confidence: candidate.confidence, llm: { ...llm, match } });
}

/** Never released: parked like a gate's hold (so it reaches the review queue), the model's answer in meta for the reviewer. */
function held(cell: Cell, code: "ungrounded" | "value_not_in_quote", message: string, llm: unknown, phaseIndex: number): Cell {
  const summary = code === "ungrounded" ? "the model's quote is not in the document" : "the model's value is not in its quote";
  return {
    ...cell, value: null, status: "needs_review", resolved_by: null, reason: reason(code, summary, message),
    meta: { llm, verdicts: [{ gate: "grounding", rule: code, mode: "blocking", passed: false, phase_index: phaseIndex, message }] },
  };
}

export interface SettledItem {
  item: Item;
  /** The item's quotes, as `meta.item_texts` keeps an item's source text for review decisions to match. */
  text: string;
}

const hasValue = (a: ModelAnswer | undefined) => a?.value !== null && a?.value !== undefined && a.value.trim() !== "";

/** The items of one page chunk's answer, each column grounded on the chunk's pages; items with no value at all are dropped. */
export function settleItems(
  answers: ModelItem[], columns: CompiledColumn[], parsed: ParsedDocument, reading: Omit<Reading, "type" | "options">, firstIndex: number,
): SettledItem[] {
  return answers.filter((a) => columns.some((c) => hasValue(a[c.name]))).map((answer, i) => ({
    item: Object.fromEntries(columns.map((c) => [
      c.name, settle(blankCell(c), answer[c.name], parsed, { ...reading, type: c.type, options: c.resolve }, { item_index: firstIndex + i }),
    ])),
    text: columns.map((c) => answer[c.name]?.quote).filter(Boolean).join(" | "),
  }));
}

/** The table cell of the items read from every chunk; its confidence is its least confident grounded cell's. */
export function itemsCell(cell: Cell, found: SettledItem[]): Cell {
  if (found.length === 0) return unresolved(cell, "no_result", reason("not_found", "no extractor found line items", "the model found no items"), { });
  if (found.length > MAX_ITEMS) return unresolved(cell, "failed", reason("too_many_items", "too many line items", `${found.length} items; the limit is ${MAX_ITEMS}`), {});
  const confidences = found.flatMap((f) => Object.values(f.item).flatMap((c) => (c.status === "completed" ? [c.meta.confidence as number] : [])));
  const meta = { item_count: found.length, item_texts: found.map((f) => f.text), confidence: confidences.length > 0 ? Math.min(...confidences) : 1 };
  return completed(cell, found.map((f) => f.item), "extraction:llm", meta);
}
