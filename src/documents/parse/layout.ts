/**
 * Layout-faithful page text from positioned pieces of text, the way `pdftotext -layout` reads a page:
 * pieces whose baselines lie within a tolerance form one line, read left to right whatever order the
 * PDF drew them in; lines run top to bottom; a horizontal gap becomes spaces in proportion to its width
 * (each piece starts at the column its x position maps to, so columns stay aligned across lines);
 * pieces that touch are joined without a space (a word split by kerning or by its producer).
 *
 * Rules where a page is not a plain grid:
 * - Multi-column pages: a line spans the whole page width, so columns stay side by side on one line
 *   (`Bill to: …      Ship to: …`), as on the page and as in `pdftotext -layout`.
 * - Rotated text (a baseline more than 1° off horizontal on the displayed page, e.g. a margin note):
 *   pieces of the same angle are laid out by the same rules in their own frame and follow the
 *   horizontal text, after a blank line, one group per angle.
 *
 * Coordinates are PDF points with the origin at the top-left of the displayed page (y grows down).
 */
import { WORD_STRIDE } from "../model";
import { isRightToLeft, logicalOrder } from "./bidi";
import { minOf, maxOf } from "../extent";

/** A piece of text as drawn: `x`, `y` is the start of its baseline; `angle` the baseline's direction (radians). */
export interface TextPiece {
  text: string;
  x: number;
  y: number;
  angle: number;
  /** Advance width along the baseline, in points. */
  width: number;
  /** Font size in points. */
  size: number;
}

export interface PageLayout {
  text: string;
  /** Flat word boxes, WORD_STRIDE numbers per word: start, end (span in `text`), x0, y0, x1, y1. */
  words: number[];
}

/** A piece in its group's frame, where its baseline is horizontal. */
interface Run {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** Pieces that touch (closer than this fraction of the font size either way) are one word, split by the producer. */
const JOIN_GAP = 0.15;
/**
 * A gap between two pieces of at least this many font sizes is a column gap, never one space: twice a
 * space's width (Helvetica's is 0.28), more than a justified line stretches a word space. Readers of
 * layout text (a label's value ends at its column) use the same measure.
 */
export const COLUMN_GAP = 0.6;
/** Baselines within this fraction of the smaller font size are one line. */
const ROW_TOLERANCE = 0.45;
/** A gap between baselines above this many font sizes leaves one blank line (a block boundary). */
const BLOCK_GAP = 2;
/** Text drawn far off the page must not turn into megabytes of spaces: no piece starts beyond this column. */
const MAX_COLUMN = 400;
/** Glyph box around the baseline, in font sizes: ascent above, descent below. */
const ASCENT = 0.8;
const DESCENT = 0.2;

/** Rough relative glyph widths, to place characters inside a piece whose total width is known. */
function glyphWeight(ch: string): number {
  if (" .,:;'|!ijlI()[]ft".includes(ch)) return 0.3;
  if ("MWmw@%".includes(ch)) return 0.85;
  if (ch >= "A" && ch <= "Z") return 0.68;
  return 0.55;
}

/** The x position of each character boundary of a run (text.length + 1 entries). */
function boundaries(run: Run): number[] {
  const weights = Array.from(run.text, glyphWeight);
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const scale = (run.x1 - run.x0) / total;
  const edges = [run.x0];
  for (const w of weights) edges.push(edges[edges.length - 1] + w * scale);
  return edges;
}

/** Drops the blank ends of a piece, moving its edges by the share of width they took. */
function trimmed(run: Run): Run | null {
  const text = run.text.replace(/\s+/g, " ");
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  if (end <= start) return null;
  if (start === 0 && end === text.length) return { ...run, text };
  const edges = boundaries({ ...run, text });
  return { ...run, text: text.slice(start, end), x0: edges[start], x1: edges[end] };
}

function toRuns(pieces: TextPiece[], angle: number): Run[] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const runs: Run[] = [];
  for (const piece of pieces) {
    const x = piece.x * cos + piece.y * sin;
    const y = -piece.x * sin + piece.y * cos;
    const run = trimmed({ text: piece.text, x0: x, x1: x + piece.width, y, size: piece.size || 1 });
    if (run) runs.push(run);
  }
  return runs;
}

/** Visual rows, top to bottom, each left to right; a repeated piece at the same spot (fake bold) counts once. */
function rows(runs: Run[]): Run[][] {
  const sorted = [...runs].sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const result: Run[][] = [];
  let row: Run[] = [];
  for (const run of sorted) {
    const anchor = row[0];
    if (anchor && run.y - anchor.y <= ROW_TOLERANCE * Math.min(run.size, anchor.size)) row.push(run);
    else {
      if (row.length) result.push(row);
      row = [run];
    }
  }
  if (row.length) result.push(row);
  return result.map((r) => r.sort((a, b) => a.x0 - b.x0)
    .filter((run, i, all) => i === 0 || run.text !== all[i - 1].text || Math.abs(run.x0 - all[i - 1].x0) > 1));
}

/** Average character width of the group: the size of one column. */
function pitch(runs: Run[]): number {
  let width = 0;
  let chars = 0;
  for (const run of runs) {
    width += run.x1 - run.x0;
    chars += run.text.length;
  }
  return chars > 0 && width > 0 ? width / chars : 5;
}

/** Builds the text of one group, appending word boxes (in the group's frame) to `words`. */
function layoutGroup(runs: Run[], offset: number, words: number[]): string {
  const column = pitch(runs);
  const left = minOf(runs, (r) => r.x0);
  const right = maxOf(runs, (r) => r.x1);
  const lines: string[] = [];
  let lineStart = offset;
  let previousRow: Run[] | null = null;
  for (const row of rows(runs)) {
    if (previousRow && row[0].y - previousRow[0].y > BLOCK_GAP * Math.max(row[0].size, previousRow[0].size)) {
      lines.push("");
      lineStart += 1;
    }
    const rtl = isRightToLeft(row.map((r) => r.text).join(""));
    const line = rtl ? rightToLeftLine(row, right, column, lineStart, words) : leftToRightLine(row, left, column, lineStart, words);
    lines.push(line);
    lineStart += line.length + 1;
    previousRow = row;
  }
  return lines.join("\n");
}

/** A line read left to right: each run at the column its x maps to, so columns stay aligned across lines. */
function leftToRightLine(row: Run[], left: number, column: number, lineStart: number, words: number[]): string {
  let line = "";
  let previous: Run | null = null;
  for (const run of row) {
    const target = Math.min(MAX_COLUMN, Math.round((run.x0 - left) / column));
    if (previous) {
      const gap = run.x0 - previous.x1;
      // Only pieces that touch are one word; pieces that overlap are different texts drawn over each other.
      if (!touching(gap, run, previous)) line += " ".repeat(Math.max(target - line.length, leastSpaces(gap, run, previous, column)));
    } else line += " ".repeat(Math.max(0, target));
    addWords(run, lineStart + line.length, words);
    line += run.text;
    previous = run;
  }
  return line;
}

/** A right-to-left line in logical order (see ./bidi.ts), indented by its distance from the group's right edge. */
function rightToLeftLine(row: Run[], right: number, column: number, lineStart: number, words: number[]): string {
  const ordered = logicalOrder(row);
  let line = " ".repeat(Math.max(0, Math.min(MAX_COLUMN, Math.round((right - maxOf(row, (r) => r.x1)) / column))));
  ordered.forEach((run, i) => {
    const previous = ordered[i - 1];
    if (previous) {
      const gap = Math.max(run.x0, previous.x0) - Math.min(run.x1, previous.x1);
      if (!touching(gap, run, previous)) line += " ".repeat(Math.max(Math.round(gap / column), leastSpaces(gap, run, previous, column)));
    }
    addWords(run, lineStart + line.length, words, isRightToLeft(run.text));
    line += run.text;
  });
  return line;
}

const touching = (gap: number, a: Run, b: Run) => Math.abs(gap) < JOIN_GAP * Math.min(a.size, b.size);

/** A column gap stays at least two spaces, so a column break never reads as a word break. */
const leastSpaces = (gap: number, a: Run, b: Run, column: number) =>
  (gap >= Math.min(2 * column, COLUMN_GAP * Math.max(a.size, b.size)) ? 2 : 1);

/** The words of a run (split at its inner spaces), merged with the previous word when they touch in the text. */
function addWords(run: Run, at: number, words: number[], rtl = false) {
  // Right-to-left text runs from the piece's right edge: its character edges are mirrored.
  const edges = rtl ? boundaries(run).map((x) => run.x0 + run.x1 - x) : boundaries(run);
  const top = run.y - ASCENT * run.size;
  const bottom = run.y + DESCENT * run.size;
  for (const m of run.text.matchAll(/\S+/g)) {
    const start = at + m.index;
    const end = start + m[0].length;
    const x0 = Math.min(edges[m.index], edges[m.index + m[0].length]);
    const x1 = Math.max(edges[m.index], edges[m.index + m[0].length]);
    const last = words.length - WORD_STRIDE;
    if (last >= 0 && words[last + 1] === start) {
      words[last + 1] = end;
      words[last + 2] = Math.min(words[last + 2], x0);
      words[last + 3] = Math.min(words[last + 3], top);
      words[last + 4] = Math.max(words[last + 4], x1);
      words[last + 5] = Math.max(words[last + 5], bottom);
    } else words.push(start, end, x0, top, x1, bottom);
  }
}

/** Maps a group's word boxes back from its frame to the page: the box around the rotated rectangle. */
function unrotate(words: number[], from: number, angle: number) {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let i = from; i < words.length; i += WORD_STRIDE) {
    const [x0, y0, x1, y1] = [words[i + 2], words[i + 3], words[i + 4], words[i + 5]];
    const corners = [[x0, y0], [x1, y0], [x0, y1], [x1, y1]];
    const xs = corners.map(([x, y]) => x * cos - y * sin);
    const ys = corners.map(([x, y]) => x * sin + y * cos);
    words[i + 2] = Math.min(...xs);
    words[i + 3] = Math.min(...ys);
    words[i + 4] = Math.max(...xs);
    words[i + 5] = Math.max(...ys);
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The page's text and word boxes: horizontal text first, then each rotated group (see the rules above). */
export function layoutPage(pieces: TextPiece[]): PageLayout {
  const groups = new Map<number, TextPiece[]>();
  for (const piece of pieces) {
    const degrees = Math.round((piece.angle * 180) / Math.PI);
    const key = Math.abs(degrees) <= 1 ? 0 : degrees;
    const group = groups.get(key);
    if (group) group.push(piece);
    else groups.set(key, [piece]);
  }
  const words: number[] = [];
  const parts: string[] = [];
  let offset = 0;
  for (const key of [...groups.keys()].sort((a, b) => (a === 0 ? -1 : b === 0 ? 1 : a - b))) {
    const angle = key === 0 ? 0 : (key * Math.PI) / 180;
    const runs = toRuns(groups.get(key)!, angle);
    if (runs.length === 0) continue;
    if (parts.length) offset += 2; // the blank line between groups
    const from = words.length;
    const text = layoutGroup(runs, offset, words);
    if (angle !== 0) unrotate(words, from, angle);
    parts.push(text);
    offset += text.length;
  }
  for (let i = 0; i < words.length; i++) if (i % WORD_STRIDE >= 2) words[i] = round(words[i]);
  return { text: parts.join("\n\n"), words };
}
