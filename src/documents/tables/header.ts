/**
 * Finding a table's header block from the header texts a user wrote: one line holding them all,
 * or two or three lines close together whose words, stacked over a column, spell them
 * (`Cycle` over `Name` is "Cycle Name").
 */
import { normalized, segments, type PageLine } from "./lines";

export interface HeaderBlock {
  page: number;
  /** Lines `from` (inclusive) to `to` (exclusive) of that page's lines. */
  from: number;
  to: number;
}

export const MAX_HEADER_LINES = 3;
/** Lines of one header block are closer than this many font sizes (gap between their boxes). */
const HEADER_LEADING = 0.9;

/** The texts of a block's stacked runs: runs of words that overlap horizontally, read top to bottom. */
function stackedTexts(lines: PageLine[]): string[] {
  const runs = lines.flatMap((line, order) => segments(line).map((words) => ({
    order, x0: words[0].x0, x1: words[words.length - 1].x1, text: words.map((w) => w.text).join(" "),
  })));
  const stacks: Array<typeof runs> = [];
  for (const run of [...runs].sort((a, b) => a.x0 - b.x0)) {
    const stack = stacks.find((s) => s.some((r) => Math.min(r.x1, run.x1) - Math.max(r.x0, run.x0) > 0 && r.order !== run.order));
    if (stack) stack.push(run);
    else stacks.push([run]);
  }
  return stacks.map((s) => normalized(s.sort((a, b) => a.order - b.order || a.x0 - b.x0).map((r) => r.text).join(" ")));
}

function holds(lines: PageLine[], wanted: string[]): boolean {
  const joined = normalized(lines.map((l) => l.text).join(" "));
  if (!wanted.every((w) => w.split(" ").every((token) => joined.includes(token)))) return false;
  if (lines.length === 1) return wanted.every((w) => joined.includes(w));
  const texts = [...lines.map((l) => normalized(l.text)), ...stackedTexts(lines)];
  return wanted.every((w) => texts.some((t) => t.includes(w)));
}

const adjacent = (lines: PageLine[], from: number, to: number) =>
  lines.slice(from + 1, to).every((line, i) => line.y0 - lines[from + i].y1 < HEADER_LEADING * line.size);

/**
 * Every header block on a page's lines holding all `texts` (case and spacing ignored), top to
 * bottom: the fewest lines that do, `lines` exactly when the user gave `header_lines`.
 */
export function headerBlocks(lines: PageLine[], texts: string[], page: number, exactly?: number): HeaderBlock[] {
  const wanted = texts.map(normalized);
  const found: HeaderBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    for (let k = exactly ?? 1; k <= (exactly ?? MAX_HEADER_LINES) && i + k <= lines.length; k++) {
      if (!adjacent(lines, i, i + k) || !holds(lines.slice(i, i + k), wanted)) continue;
      let from = i;
      while (exactly === undefined && i + k - from > 1 && holds(lines.slice(from + 1, i + k), wanted)) from++;
      found.push({ page, from, to: i + k });
      i = i + k - 1;
      break;
    }
  }
  return found;
}
