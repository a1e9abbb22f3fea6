import * as v from "valibot";
import type { Candidate, ExtractedItem, ParsedDocument } from "../model";
import { Pattern } from "../pattern";
import { ItemPattern } from "./items-schema";
import { WhenInput } from "./options";
import { documentLines, type TextLine } from "./text-lines";

export const MAX_LINE_PATTERNS = 10;

/** Line items from the lines of a region: one item per line a `line` pattern matches, its named groups the columns. */
export const RowsExtractorInput = v.strictObject({
  type: v.pipe(v.literal("rows"), v.description("line items read line by line with patterns")),
  start: v.optional(v.pipe(ItemPattern, v.description("items are the lines after the line this matches (no match: no items)"))),
  end: v.optional(v.pipe(ItemPattern, v.description("items stop before the line this matches; default: the end of the text"))),
  line: v.pipe(
    v.union([ItemPattern, v.pipe(v.array(ItemPattern), v.minLength(1), v.maxLength(MAX_LINE_PATTERNS))]),
    v.description("one pattern or a list (the first that matches wins); its named groups are the columns"),
  ),
  continuation: v.optional(v.pipe(
    ItemPattern,
    v.description("a line no `line` pattern matches but this does is appended to the previous item"),
  )),
  when: v.optional(WhenInput),
});

export type RowsExtractor = v.InferOutput<typeof RowsExtractorInput>;

/**
 * The lines between the first `start` match and the next `end` match (the lines holding them
 * excluded), searched in the whole text with `^` and `$` at line breaks.
 */
function region(lines: TextLine[], joined: string, spec: RowsExtractor): TextLine[] {
  let from = 0;
  if (spec.start) {
    const start = Pattern.compile(spec.start, "m").find(joined);
    if (!start) return [];
    from = start.end;
  }
  const first = lines.findIndex((line) => line.at >= from);
  if (first < 0) return [];
  let last = lines.length;
  if (spec.end) {
    const end = Pattern.compile(spec.end, "m").find(joined, lines[first].at);
    if (end) last = lines.findIndex((line) => line.at + line.text.length >= end.start);
  }
  return lines.slice(first, last < 0 ? lines.length : last);
}

const cell = (value: string, line: TextLine, span: [number, number]): Candidate => ({
  value: value.trim(),
  confidence: 0.85,
  provenance: { extractor: "rows", page: line.page, start: line.offset + span[0], end: line.offset + span[1] },
});

/** A new item from the first `line` pattern that matches anywhere in the line (named groups are columns). */
function itemOf(line: TextLine, patterns: Pattern[]): ExtractedItem | null {
  for (const pattern of patterns) {
    const match = pattern.find(line.text);
    if (!match) continue;
    const cells: Record<string, Candidate> = {};
    for (const name of pattern.groupNames) {
      const text = match.group(name);
      if (text !== undefined && text.trim() !== "") cells[name] = cell(text, line, match.span(name)!);
    }
    return { text: line.text.trim(), cells };
  }
  return null;
}

/** A continuation line appends to the previous item: its named group's column, else the first string column. */
function appendContinuation(item: ExtractedItem, line: TextLine, pattern: Pattern, fallback: string | null) {
  const match = pattern.find(line.text);
  if (!match) return false;
  const named = pattern.groupNames.find((name) => match.group(name) !== undefined);
  const column = named ?? fallback;
  const text = (named ? match.group(named)! : match.group(0)!).trim();
  if (!column || text === "") return true;
  const previous = item.cells[column];
  const span = match.span(named ?? 0)!;
  item.cells[column] = previous
    ? {
      ...previous,
      value: `${previous.value} ${text}`,
      provenance: { ...previous.provenance, ...(previous.provenance.page === line.page ? { end: line.offset + span[1] } : {}) },
    }
    : cell(text, line, span);
  item.text += `\n${line.text.trim()}`;
  return true;
}

/**
 * Line items from text (plain text, PDF layout text): the lines between `start` and `end` that
 * match a `line` pattern (the first that matches wins); `line` is tried before `continuation`.
 */
export function extractRows(parsed: ParsedDocument, spec: RowsExtractor, firstStringColumn: string | null): ExtractedItem[] {
  const { lines, joined } = documentLines(parsed.pages);
  const patterns = (Array.isArray(spec.line) ? spec.line : [spec.line]).map((source) => Pattern.compile(source));
  const continuation = spec.continuation ? Pattern.compile(spec.continuation) : null;
  const items: ExtractedItem[] = [];
  for (const line of region(lines, joined, spec)) {
    const item = itemOf(line, patterns);
    if (item) items.push(item);
    else if (continuation && items.length > 0) appendContinuation(items[items.length - 1], line, continuation, firstStringColumn);
  }
  return items;
}
