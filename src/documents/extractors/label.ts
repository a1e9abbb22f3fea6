import * as v from "valibot";
import type { Candidate, ParsedDocument } from "../model";
import type { FieldType } from "../field-types";
import { DATE_TOKEN } from "../normalize/dates";
import { NUMBER_TOKEN } from "../normalize/numbers";
import { extentOf, isColumnGap, segmentsOf, type Segment } from "./columns";
import { looksLikeLabel } from "./label-words";
import { textExtractorOptions } from "./options";

export const LabelExtractorInput = v.strictObject({
  type: v.pipe(v.literal("label"), v.description("the value next to (or below) a label on the page")),
  labels: v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))), v.minLength(1), v.maxLength(20),
    v.description("the label texts, read as literal text (case and spacing tolerant), e.g. [\"Invoice No\", \"Invoice #\"]"),
  ),
  ...textExtractorOptions,
});

/** Confidence by where the value sat: after a label opening its line or column, after one inside a phrase, or below the label. */
const CONFIDENCE = { opensColumn: 0.9, inPhrase: 0.8, nextLine: 0.7, belowPhrase: 0.6 };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "Invoice  no" matches "invoice no", "INVOICE NO." and "Invoice\tNo"; never inside a longer word ("Subtotal"). */
function labelPattern(labels: string[]): RegExp {
  const alternatives = labels.map((label) => label.split(/\s+/).map(escape).join("[ \\t]+"));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}])[ \\t]*[:=#|\\-–—.]*[ \\t]*`, "giu");
}

/** What the field's type wants out of its value's text: a number, a date, a word, or all of it. */
function captureFor(type: FieldType): RegExp | null {
  if (type === "number" || type === "integer" || type === "currency") return new RegExp(NUMBER_TOKEN, "u");
  if (type === "date") return new RegExp(DATE_TOKEN, "iu");
  if (type === "boolean") return /\S+/u;
  return null;
}

interface Found { value: string; start: number; end: number }

function capture(text: string, segment: Segment, type: FieldType): Found | null {
  const part = text.slice(segment.start, segment.end);
  const wanted = captureFor(type);
  const m = wanted ? wanted.exec(part) : /\S(?:.*\S)?/u.exec(part);
  if (!m) return null;
  const value = m[0].trim();
  const start = segment.start + m.index + m[0].indexOf(value);
  return { value, start, end: start + value.length };
}

/**
 * Another label, not a value: a label of the definition's other fields, or, in a column of its own
 * (after a gap), text that opens with words and a colon. Right after the label such text continues it
 * ("Total Due: 5" for the label "Total").
 */
function isLabel(text: string, others: RegExp | null, ownColumn: boolean): boolean {
  if (others?.test(text)) return true;
  return ownColumn && /^[\p{L}][\p{L}\p{N} .'’/()&-]{0,40}[:：]/u.test(text);
}

/** Context a label extractor reads beyond its own labels: the labels of the definition's other fields. */
export interface LabelContext { otherLabels?: string[] }

/** A label found: `[start, labelEnd)` is the label with its separator (`Invoice No:`). */
interface Match { page: number; start: number; labelEnd: number }

/**
 * The value of one label, on layout text: on its line up to the next column gap (however far the value
 * sits, as a right-aligned value does) unless that is another label; then, and when the line ends with
 * the label or holds no value of the type, the text below the label in its column (a header row).
 */
function valueOf(parsed: ParsedDocument, match: Match, type: FieldType, others: RegExp | null): [Found, number] | null {
  const text = parsed.pages[match.page];
  const lineStart = text.lastIndexOf("\n", match.start - 1) + 1;
  const newline = text.indexOf("\n", match.labelEnd);
  const lineEnd = newline < 0 ? text.length : newline;
  const [first] = segmentsOf(parsed, match.page, match.labelEnd, lineEnd);
  const ownColumn = first ? isColumnGap(parsed, match.page, match.labelEnd, first.start) : false;
  const onLine = first && !isLabel(text.slice(first.start, first.end), others, ownColumn) ? capture(text, first, type) : null;
  const before = text.slice(lineStart, match.start);
  const opensColumn = before.trim() === "" || isColumnGap(parsed, match.page, lineStart + before.trimEnd().length, match.start);
  // A column of its own that reads as a label ("Invoice Date" after "Invoice No") yields to a value below, if there is one.
  const yields = onLine && ownColumn && looksLikeLabel(text.slice(first!.start, first!.end));
  if (onLine && !yields) return [onLine, opensColumn ? CONFIDENCE.opensColumn : CONFIDENCE.inPhrase];
  const below = valueBelow(parsed, match, lineStart, lineEnd, first ?? null, others);
  const belowText = below ? text.slice(below.start, below.end) : "";
  const found = below && !isLabel(belowText, others, true) && !looksLikeLabel(belowText) ? capture(text, below, type) : null;
  if (found) return [found, opensColumn ? CONFIDENCE.nextLine : CONFIDENCE.belowPhrase];
  return onLine ? [onLine, CONFIDENCE.inPhrase] : null;
}

/** The segment of the next non-empty line (one blank line may sit between) under the label's column. */
function valueBelow(
  parsed: ParsedDocument, match: Match, lineStart: number, lineEnd: number, next: Segment | null, others: RegExp | null,
): Segment | null {
  const text = parsed.pages[match.page];
  if (lineEnd >= text.length) return null;
  const m = /^[ \t]*\n?([^\n]*)/.exec(text.slice(lineEnd + 1))!;
  const belowStart = lineEnd + 1 + m[0].length - m[1].length;
  const below = segmentsOf(parsed, match.page, belowStart, belowStart + m[1].length);
  const [x0, x1] = extentOf(parsed, match.page, match.start, match.labelEnd);
  const previous = segmentsOf(parsed, match.page, lineStart, match.start).at(-1);
  // The label's column runs from the end of what precedes it on its line to the start of what follows.
  const left = previous ? previous.x1 : -Infinity;
  const right = next ? next.x0 : Infinity;
  const inColumn = below.filter((s) => s.x1 > left && s.x0 < right);
  const found = inColumn.find((s) => s.x1 >= x0 && s.x0 <= x1) ?? (inColumn.length === 1 ? inColumn[0] : null);
  // Text right after a label on its own line (`Total:      1.234,50`) is that label's value, not one for the label above.
  const before = found ? below[below.indexOf(found) - 1] : undefined;
  return before && endsLabel(text.slice(before.start, before.end), others) ? null : found;
}

/** Text that ends with a label: a colon, or another field's label. */
function endsLabel(text: string, others: RegExp | null): boolean {
  return /[:：]$/u.test(text) || (others !== null && others.test(text) && others.exec(text)![0].trimEnd().length === text.length);
}

/** The value next to one of several labels: on its line up to its column's end, or below it in its column (see valueOf). */
export function extractLabel(parsed: ParsedDocument, labels: string[], type: FieldType, context: LabelContext = {}): Candidate[] {
  const candidates: Candidate[] = [];
  const pattern = labelPattern(labels);
  const own = new Set(labels.map((l) => l.toLowerCase()));
  const otherLabels = (context.otherLabels ?? []).filter((l) => !own.has(l.toLowerCase()));
  const otherPattern = otherLabels.length ? labelPattern(otherLabels) : null;
  const others = otherPattern ? new RegExp(`^(?:${otherPattern.source})`, "iu") : null;
  parsed.pages.forEach((text, page) => {
    // Where another field's longer label holds this one ("Client" in "N° client"), this label is not printed.
    const longer = otherPattern ? [...text.matchAll(otherPattern)].map((o) => [o.index, o.index + o[0].trimEnd().length]) : [];
    for (const m of text.matchAll(pattern)) {
      const end = m.index + m[0].trimEnd().length;
      if (longer.some(([from, to]) => from <= m.index && to >= end && to - from > end - m.index)) continue;
      const found = valueOf(parsed, { page, start: m.index, labelEnd: end }, type, others);
      if (found) candidates.push({ value: found[0].value, confidence: found[1], provenance: { extractor: "label", page, start: found[0].start, end: found[0].end } });
    }
  });
  // A label inside a phrase ("Client" in "N° client:") is likelier part of a longer label: its value comes after the others.
  const inPhrase = (c: Candidate) => (c.confidence === CONFIDENCE.inPhrase || c.confidence === CONFIDENCE.belowPhrase ? 1 : 0);
  return candidates.sort((a, b) => inPhrase(a) - inPhrase(b));
}
