import type { FieldType } from "./field-types";
import type { Candidate, ParsedDocument } from "./model";
import { scanCurrency } from "./normalize/currency-codes";
import { DATE_TOKEN, parseDate } from "./normalize/dates";
import { normalizeValue, type NormalizeOptions } from "./normalize";
import { NUMBER_TOKEN, parseNumber } from "./normalize/numbers";

/**
 * Grounding: a model's answer becomes a candidate only when its quote is found in the page text and
 * its value is read from that quote by the field's own normaliser. The candidate's raw value is the
 * document's text at that place, never the model's string, so a model can at most quote the document.
 */

export type QuoteMatchKind = "exact" | "folded" | "fuzzy";
export interface QuoteMatch {
  start: number;
  end: number;
  kind: QuoteMatchKind;
  distance: number;
}

/** Quotes shorter than this must match exactly or folded: a few edits in a short quote change its meaning. */
export const FUZZY_MIN_LENGTH = 12;
/** Edits allowed in a fuzzy match: 10 % of the folded quote's length, at most 12. */
export const fuzzyBound = (length: number) => Math.min(12, Math.floor(length * 0.1));
/** Longer quotes are cut to this many characters before the fuzzy search (its cost is quote × page length). */
const FUZZY_MAX_QUOTE = 400;

/** Confidence by how the quote matched: an exact quote is worth more than one found ignoring case or with edits. */
const CONFIDENCE = { exact: 0.9, folded: 0.85, fuzzy: 0.75 };

interface Folded {
  text: string;
  /** Index in the original text of each folded character. */
  origin: number[];
}

/** Lower case with every run of whitespace as one space; each folded character remembers where it came from. */
export function fold(text: string): Folded {
  let out = "";
  const origin: number[] = [];
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      if (!space && out.length > 0) {
        out += " ";
        origin.push(i);
      }
      space = true;
      continue;
    }
    space = false;
    const lower = ch.toLowerCase();
    for (const part of lower) {
      out += part;
      origin.push(i);
    }
  }
  if (out.endsWith(" ")) {
    out = out.slice(0, -1);
    origin.pop();
  }
  return { text: out, origin };
}

const spanOf = (folded: Folded, from: number, to: number) => ({ start: folded.origin[from], end: folded.origin[to - 1] + 1 });

/**
 * Approximate substring search (Sellers): the end of the best alignment of `needle` anywhere in
 * `haystack` with at most `bound` edits, and where it starts. O(needle × haystack), one row of memory.
 */
function fuzzyFind(haystack: string, needle: string, bound: number): { from: number; to: number; distance: number } | null {
  const m = needle.length;
  let cost = Array.from({ length: m + 1 }, (_, i) => i);
  let start = new Array<number>(m + 1).fill(0);
  let best: { from: number; to: number; distance: number } | null = null;
  for (let j = 1; j <= haystack.length; j++) {
    const nextCost = [0];
    const nextStart = [j];
    const ch = haystack[j - 1];
    for (let i = 1; i <= m; i++) {
      const substitute = cost[i - 1] + (needle[i - 1] === ch ? 0 : 1);
      const insert = cost[i] + 1;
      const remove = nextCost[i - 1] + 1;
      if (substitute <= insert && substitute <= remove) {
        nextCost.push(substitute);
        nextStart.push(start[i - 1]);
      } else if (remove <= insert) {
        nextCost.push(remove);
        nextStart.push(nextStart[i - 1]);
      } else {
        nextCost.push(insert);
        nextStart.push(start[i]);
      }
    }
    cost = nextCost;
    start = nextStart;
    if (cost[m] <= bound && (!best || cost[m] < best.distance)) best = { from: start[m], to: j, distance: cost[m] };
  }
  return best;
}

/** Where the quote is in the text: exactly, then ignoring case and whitespace, then within the edit bound. */
export function locateQuote(text: string, quote: string): QuoteMatch | null {
  const exact = quote.length > 0 ? text.indexOf(quote) : -1;
  if (exact >= 0) return { start: exact, end: exact + quote.length, kind: "exact", distance: 0 };
  const page = fold(text);
  const wanted = fold(quote).text;
  if (wanted.length === 0) return null;
  const at = page.text.indexOf(wanted);
  if (at >= 0) return { ...spanOf(page, at, at + wanted.length), kind: "folded", distance: 0 };
  if (wanted.length < FUZZY_MIN_LENGTH) return null;
  const needle = wanted.slice(0, FUZZY_MAX_QUOTE);
  const found = fuzzyFind(page.text, needle, fuzzyBound(needle.length));
  if (!found || found.to <= found.from) return null;
  return { ...spanOf(page, found.from, found.to), kind: "fuzzy", distance: found.distance };
}

/** A value as comparable text: the number, amount, ISO date, or folded text the field's normaliser reads. */
function comparable(type: FieldType, raw: string, options: NormalizeOptions): string | null {
  if (type === "number" || type === "integer") {
    const n = parseNumber(raw, options.decimal);
    return n.ok ? String(n.value) : null;
  }
  if (type === "currency") {
    const scan = scanCurrency(raw);
    const n = parseNumber(scan.rest, options.decimal);
    return n.ok ? String(n.value) : null;
  }
  if (type === "date") {
    const d = parseDate(raw, options);
    return d.ok ? d.value : null;
  }
  const n = normalizeValue(type, raw, options);
  return n.ok ? JSON.stringify(n.value).toLowerCase() : null;
}

const TOKENS: Partial<Record<FieldType, string>> = { number: NUMBER_TOKEN, integer: NUMBER_TOKEN, currency: NUMBER_TOKEN, date: DATE_TOKEN };

/** Spans of the quote that could hold the value: typed tokens, or the folded value text, or short runs of words. */
function* spansIn(type: FieldType, quote: string, value: string): Generator<[number, number]> {
  const token = TOKENS[type];
  if (token) {
    for (const m of quote.matchAll(new RegExp(token, "giu"))) {
      const text = m[0].trim();
      const start = m.index + m[0].indexOf(text);
      yield [start, start + text.length];
    }
    return;
  }
  const q = fold(quote);
  const v = fold(value).text;
  const at = v ? q.text.indexOf(v) : -1;
  if (at >= 0) yield [q.origin[at], q.origin[at + v.length - 1] + 1];
  if (type === "string" || type === "json") return;
  const words = [...quote.matchAll(/\S+/gu)];
  for (let n = 1; n <= 4; n++) {
    for (let i = 0; i + n <= words.length; i++) yield [words[i].index, words[i + n - 1].index + words[i + n - 1][0].length];
  }
}

/** The span of the quote the value is read from, or null when no part of the quote reads as the value. */
export function valueInQuote(type: FieldType, quote: string, value: string, options: NormalizeOptions = {}): [number, number] | null {
  const wanted = comparable(type, value, options);
  if (wanted === null) return null;
  for (const [start, end] of spansIn(type, quote, value)) {
    if (comparable(type, quote.slice(start, end), options) === wanted) return [start, end];
  }
  return null;
}

export interface ModelAnswer {
  value: string | null;
  quote: string | null;
  page: number | null;
}

export type Grounding =
  | { grounded: true; candidate: Candidate; match: QuoteMatch }
  | { grounded: false; code: "ungrounded" | "value_not_in_quote"; message: string };

/**
 * Grounds one answer in the pages the model read (indexes into `parsed.pages`): the page the model
 * named first, then the others. The candidate's provenance is as other extractors' (page index,
 * span); the caller turns it into the source's page number and box.
 */
export function groundAnswer(
  parsed: ParsedDocument, pages: number[], answer: ModelAnswer & { value: string; quote: string }, type: FieldType, options: NormalizeOptions,
): Grounding {
  const named = pages.find((p) => (parsed.page_numbers?.[p] ?? p) === answer.page);
  const order = named === undefined ? pages : [named, ...pages.filter((p) => p !== named)];
  for (const page of order) {
    const match = locateQuote(parsed.pages[page], answer.quote);
    if (!match) continue;
    const quoted = parsed.pages[page].slice(match.start, match.end);
    const span = valueInQuote(type, quoted, answer.value, options);
    if (!span) {
      return { grounded: false, code: "value_not_in_quote", message: `the quote was found on page ${parsed.page_numbers?.[page] ?? page}, but it does not read as ${JSON.stringify(answer.value)}` };
    }
    const [start, end] = [match.start + span[0], match.start + span[1]];
    const penalty = match.kind === "fuzzy" ? match.distance / Math.max(1, answer.quote.length) : 0;
    const confidence = Math.round((CONFIDENCE[match.kind] - penalty) * 1000) / 1000;
    const value = parsed.pages[page].slice(start, end);
    return { grounded: true, match, candidate: { value, confidence, provenance: { extractor: "llm", page, start, end } } };
  }
  return { grounded: false, code: "ungrounded", message: "the quote is not in the pages the model read" };
}
