import { COLUMN_GAP } from "../parse/layout";
import { WORD_STRIDE, type ParsedDocument } from "../model";
import { minOf, maxOf } from "../extent";

/**
 * Layout text keeps a page's columns side by side on one line (`Invoice No: INV-3     Date: 03.04.2024`);
 * a value ends where its column ends. A column gap is a run of two or more spaces (or a tab) in the
 * text; on a page with word boxes it must also be a real gap on the page (at least COLUMN_GAP font
 * sizes), since layout may pad a narrow gap to keep columns aligned (`Ordernummer:  12572103`).
 */

/** A stretch of one line between column gaps: `[start, end)` in the page text, and where it sits across the page. */
export interface Segment {
  start: number;
  end: number;
  /** Points on a page with word boxes; character columns of the line otherwise. */
  x0: number;
  x1: number;
}

/** The page's words as `start → [x0, x1, height]`, for the pages that have boxes (cached per document). */
const boxIndex = new WeakMap<number[], Map<number, [number, number, number]>>();

function boxesAt(parsed: ParsedDocument, page: number): Map<number, [number, number, number]> | null {
  const words = parsed.words?.[page];
  if (!words || words.length === 0) return null;
  let index = boxIndex.get(words);
  if (!index) {
    index = new Map();
    for (let i = 0; i < words.length; i += WORD_STRIDE) index.set(words[i], [words[i + 2], words[i + 4], words[i + 5] - words[i + 3]]);
    boxIndex.set(words, index);
  }
  return index;
}

/** The segments of `text[from, to)` (one line or part of one), in reading order. */
export function segmentsOf(parsed: ParsedDocument, page: number, from: number, to: number): Segment[] {
  const text = parsed.pages[page];
  const boxes = boxesAt(parsed, page);
  const lineStart = text.lastIndexOf("\n", from - 1) + 1;
  const segments: Segment[] = [];
  let previous: { end: number; x1: number; height: number } | null = null;
  for (const m of text.slice(from, to).matchAll(/\S+/g)) {
    const start = from + m.index;
    const end = start + m[0].length;
    const box = boxes?.get(start);
    const [x0, x1, height] = box ?? [start - lineStart, end - lineStart, 0];
    const spaces = previous ? text.slice(previous.end, start) : "";
    const wide = spaces.length >= 2 || spaces.includes("\t");
    const far = !box || !previous || x0 - previous.x1 >= COLUMN_GAP * Math.max(height, previous.height);
    const last = segments[segments.length - 1];
    if (last && !(wide && far)) {
      last.end = end;
      last.x1 = Math.max(last.x1, x1);
    } else segments.push({ start, end, x0, x1 });
    previous = { end, x1, height };
  }
  return segments;
}

/** Whether `text[from, to)` is a column gap: blank, two spaces or more, and wide on the page where boxes say so. */
export function isColumnGap(parsed: ParsedDocument, page: number, from: number, to: number): boolean {
  const text = parsed.pages[page];
  const between = text.slice(from, to);
  if (between.trim() !== "" || !(between.length >= 2 || between.includes("\t"))) return false;
  const boxes = boxesAt(parsed, page);
  if (!boxes) return true;
  const before = /\S+$/.exec(text.slice(0, from));
  const left = before ? boxes.get(from - before[0].length) : undefined;
  const right = boxes.get(to);
  if (!left || !right) return true;
  return right[0] - left[1] >= COLUMN_GAP * Math.max(left[2], right[2]);
}

/** The span's extent across the page, in the same unit as its line's segments. */
export function extentOf(parsed: ParsedDocument, page: number, start: number, end: number): [number, number] {
  const text = parsed.pages[page];
  const boxes = boxesAt(parsed, page);
  if (boxes) {
    const xs: number[] = [];
    for (const m of text.slice(start, end).matchAll(/\S+/g)) {
      const at = start + m.index;
      // A label may end inside a word box ("Total:"): find the word that starts at or before it.
      let s = at;
      while (s > 0 && !/\s/.test(text[s - 1])) s--;
      const box = boxes.get(s);
      if (box) xs.push(box[0], box[1]);
    }
    if (xs.length) return [minOf(xs, (x) => x), maxOf(xs, (x) => x)];
  }
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  return [start - lineStart, end - lineStart];
}
