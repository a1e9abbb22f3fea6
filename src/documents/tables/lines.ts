/**
 * The geometry tables are read from: a page's words (text, span in the page text, box) grouped
 * into the text lines of the page, and each line cut into segments at gaps wider than a word space.
 */
import { WORD_STRIDE, type Box, type ParsedDocument, type WordBoxes } from "../model";
import { minOf, maxOf } from "../extent";

export interface PageWord {
  text: string;
  start: number;
  end: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PageLine {
  page: number;
  /** Index of the line within the page text (split at `\n`). */
  index: number;
  text: string;
  words: PageWord[];
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Font size, from the words' box heights. */
  size: number;
}

/** A gap this many font sizes wide between two words of a line separates two cells (a word space is ~0.3). */
export const CELL_GAP = 0.8;
/** Header words further apart than this many font sizes are separate headers (a word space is ~0.3). */
export const HEADER_GAP = 0.5;

export const wordBox = (w: PageWord): Box => [w.x0, w.y0, w.x1, w.y1];

const cache = new WeakMap<ParsedDocument, PageLine[][]>();

/** The non-blank lines of each page that has word boxes (PDF and OCR pages), in text order. */
export function pageLines(parsed: ParsedDocument): PageLine[][] {
  let found = cache.get(parsed);
  if (!found) {
    found = linesOfPages(parsed.pages, parsed.words);
    cache.set(parsed, found);
  }
  return found;
}

export const linesOfPages = (pages: string[], words: WordBoxes[] | undefined) =>
  pages.map((text, page) => linesOf(text, words?.[page] ?? [], page));

function linesOf(text: string, flat: number[], page: number): PageLine[] {
  const lines: PageLine[] = [];
  let index = 0;
  let lineStart = 0;
  let lineEnd = text.indexOf("\n");
  if (lineEnd < 0) lineEnd = text.length;
  let current: PageWord[] = [];
  const close = () => {
    if (current.length) lines.push(lineOf(page, index, text.slice(lineStart, lineEnd), current));
    current = [];
  };
  for (let i = 0; i < flat.length; i += WORD_STRIDE) {
    const start = flat[i];
    while (start >= lineEnd && lineEnd < text.length) {
      close();
      index++;
      lineStart = lineEnd + 1;
      lineEnd = text.indexOf("\n", lineStart);
      if (lineEnd < 0) lineEnd = text.length;
    }
    current.push({ text: text.slice(start, flat[i + 1]), start, end: flat[i + 1], x0: flat[i + 2], y0: flat[i + 3], x1: flat[i + 4], y1: flat[i + 5] });
  }
  close();
  return lines;
}

function lineOf(page: number, index: number, text: string, words: PageWord[]): PageLine {
  const sorted = [...words].sort((a, b) => a.x0 - b.x0);
  const heights = sorted.map((w) => w.y1 - w.y0).sort((a, b) => a - b);
  return {
    page, index, text, words: sorted,
    x0: minOf(sorted, (w) => w.x0), x1: maxOf(sorted, (w) => w.x1),
    y0: minOf(sorted, (w) => w.y0), y1: maxOf(sorted, (w) => w.y1),
    size: heights[heights.length >> 1] || 10,
  };
}

/** The words of a line in runs separated by gaps of at least `gap` font sizes. */
export function segments(line: PageLine, gap = CELL_GAP): PageWord[][] {
  const out: PageWord[][] = [];
  for (const word of line.words) {
    const last = out[out.length - 1];
    const previous = last?.[last.length - 1];
    if (previous && word.x0 - previous.x1 < gap * line.size) last.push(word);
    else out.push([word]);
  }
  return out;
}

export const joinWords = (words: PageWord[]) => words.map((w) => w.text).join(" ");
/** Header words stacked over a column, read as one name: a word hyphenated at a line end (`Quan-` / `tity`) is whole again. */
export const stackedName = (texts: string[]) => texts.join(" ").replace(/(\p{Ll})- (\p{Ll})/gu, "$1$2");
export const normalized = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();
export const median = (values: number[], fallback: number) => {
  if (values.length === 0) return fallback;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};
