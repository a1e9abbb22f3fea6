import * as v from "valibot";
import type { Candidate, ParsedDocument } from "../model";
import type { FieldType } from "../field-types";
import { DATE_TOKEN } from "../normalize/dates";
import { NUMBER_TOKEN } from "../normalize/numbers";
import { textExtractorOptions } from "./options";

export const LabelExtractorInput = v.strictObject({
  type: v.literal("label"),
  labels: v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))), v.minLength(1), v.maxLength(20)),
  ...textExtractorOptions,
});

/** Confidence by where the value sat: right after a label opening its line, after one mid-line, or on the next line. */
const CONFIDENCE = { lineStart: 0.9, midLine: 0.8, nextLine: 0.7 };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "Invoice  no" matches "invoice no", "INVOICE NO." and "Invoice\tNo"; never inside a longer word ("Subtotal"). */
function labelPattern(labels: string[]): RegExp {
  const alternatives = labels.map((label) => label.split(/\s+/).map(escape).join("[ \\t]+"));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}])[ \\t]*[:=#|\\-–—.]*[ \\t]*`, "giu");
}

/** What the field's type wants out of the text after the label: a number, a date, or the rest of the line. */
function captureFor(type: FieldType): RegExp | null {
  if (type === "number" || type === "integer" || type === "currency") return new RegExp(NUMBER_TOKEN, "u");
  if (type === "date") return new RegExp(DATE_TOKEN, "iu");
  if (type === "boolean") return /\S+/u;
  return null;
}

function capture(line: string, offset: number, type: FieldType): { value: string; start: number; end: number } | null {
  const wanted = captureFor(type);
  if (!wanted) {
    const value = line.trim();
    if (!value) return null;
    const start = offset + line.indexOf(value);
    return { value, start, end: start + value.length };
  }
  const m = wanted.exec(line);
  if (!m) return null;
  const value = m[0].trim();
  const start = offset + m.index + m[0].indexOf(value);
  return { value, start, end: start + value.length };
}

/** The value next to one of several labels: on the same line after it, or alone on the next non-empty line. */
export function extractLabel(parsed: ParsedDocument, labels: string[], type: FieldType): Candidate[] {
  const candidates: Candidate[] = [];
  const pattern = labelPattern(labels);
  parsed.pages.forEach((text, page) => {
    for (const m of text.matchAll(pattern)) {
      const after = m.index + m[0].length;
      const lineEnd = text.indexOf("\n", after);
      const rest = text.slice(after, lineEnd < 0 ? text.length : lineEnd);
      const lineStart = text.lastIndexOf("\n", m.index) + 1;
      const opensLine = text.slice(lineStart, m.index).trim() === "";
      let found = capture(rest, after, type);
      let confidence = opensLine ? CONFIDENCE.lineStart : CONFIDENCE.midLine;
      if (!found && rest.trim() === "" && lineEnd >= 0) {
        const next = /^\s*\n?([^\n]*)/.exec(text.slice(lineEnd + 1));
        const nextStart = lineEnd + 1 + (next ? next[0].length - next[1].length : 0);
        found = next ? capture(next[1], nextStart, type) : null;
        confidence = CONFIDENCE.nextLine;
      }
      if (found) candidates.push({ value: found.value, confidence, provenance: { extractor: "label", page, start: found.start, end: found.end } });
    }
  });
  return candidates;
}
