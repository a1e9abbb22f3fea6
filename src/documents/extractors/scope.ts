import type { ParsedDocument } from "../model";
import { Pattern } from "../pattern";

/**
 * Where a text extractor looks: which documents (`when`), which pages (`pages`) and which part of
 * them (`after`/`before`). Patterns are compiled once per source and reused across documents.
 */

export type Condition = string | { pattern: string };
export interface WhenSpec {
  any?: Condition[];
  all?: Condition[];
  none?: Condition[];
}
/** What made `when` hold: the `any` entries found, the `all` entries, the `none` entries absent. */
export type WhenMatch = { any?: string[]; all?: string[]; none?: string[] };

export interface Segment {
  /** Index into `parsed.pages`. */
  page: number;
  start: number;
  end: number;
}

const compiled = new Map<string, Pattern>();

/** Patterns were checked when the definition compiled; the cache is cleared rather than grown without bound. */
export function pattern(source: string): Pattern {
  let found = compiled.get(source);
  if (!found) {
    if (compiled.size >= 1000) compiled.clear();
    found = Pattern.compile(source);
    compiled.set(source, found);
  }
  return found;
}

const fullTexts = new WeakMap<ParsedDocument, { text: string; folded: string }>();

function fullText(parsed: ParsedDocument) {
  let entry = fullTexts.get(parsed);
  if (!entry) {
    const text = parsed.pages.join("\n");
    entry = { text, folded: text.toLowerCase() };
    fullTexts.set(parsed, entry);
  }
  return entry;
}

const shownCondition = (c: Condition) => (typeof c === "string" ? c : `/${c.pattern}/`);

/** Tested on the document's full text as parsed (before any preprocess); null when `when` fails. */
export function whenMatches(parsed: ParsedDocument, when: WhenSpec): WhenMatch | null {
  const { text, folded } = fullText(parsed);
  const holds = (c: Condition) => (typeof c === "string" ? folded.includes(c.toLowerCase()) : pattern(c.pattern).test(text));
  const matched: WhenMatch = {};
  if (when.any) {
    const found = when.any.filter(holds);
    if (found.length === 0) return null;
    matched.any = found.map(shownCondition);
  }
  if (when.all) {
    if (!when.all.every(holds)) return null;
    matched.all = when.all.map(shownCondition);
  }
  if (when.none) {
    if (when.none.some(holds)) return null;
    matched.none = when.none.map(shownCondition);
  }
  return matched;
}

/**
 * Indexes into `parsed.pages` that `pages` names: source page numbers (zero-based, as
 * `page_range` and provenance count them) and `last`, the last page parsed.
 */
export function selectedPages(parsed: ParsedDocument, pages: string | undefined): number[] {
  const all = parsed.pages.map((_, i) => i);
  if (pages === undefined) return all;
  const numbers = parsed.page_numbers ?? all;
  const wanted = new Set<number>();
  for (const item of pages.split(",").map((part) => part.trim())) {
    if (item === "last") {
      if (all.length > 0) wanted.add(all.length - 1);
      continue;
    }
    const [from, to = from] = item.split("-").map((n) => Number(n.trim()));
    numbers.forEach((number, index) => number >= from && number <= to && wanted.add(index));
  }
  return all.filter((i) => wanted.has(i));
}

/**
 * The spans to search: from the end of the first match of `after` to the start of the next match
 * of `before` (across pages, in order); nothing when `after` is absent, to the end when `before` is.
 */
export function regionSegments(parsed: ParsedDocument, pages: number[], after?: string, before?: string): Segment[] {
  let segments: Segment[] = pages.map((page) => ({ page, start: 0, end: parsed.pages[page].length }));
  if (after) {
    const first = segments.findIndex((s) => pattern(after).find(parsed.pages[s.page]) !== undefined);
    if (first < 0) return [];
    const match = pattern(after).find(parsed.pages[segments[first].page])!;
    segments = segments.slice(first);
    segments[0] = { ...segments[0], start: match.end };
  }
  if (before) {
    for (let i = 0; i < segments.length; i++) {
      const match = pattern(before).find(parsed.pages[segments[i].page], segments[i].start);
      if (match) return [...segments.slice(0, i), { ...segments[i], end: match.start }];
    }
  }
  return segments;
}
