/**
 * Column boundaries of a table read from text positions: from the x-extents of the body's words
 * (stretches no row writes into are the gaps), then the header's words assigned to those columns,
 * stacked header words joined top to bottom, a word spanning sub-headed columns prefixed to each.
 */
import { HEADER_GAP, normalized, segments, stackedName, type PageLine, type PageWord } from "./lines";
import { minOf, maxOf } from "../extent";

export interface Column {
  x0: number;
  x1: number;
  /** The header as printed, lines joined with a space ("" when the column has no header text). */
  header: string;
}

/** A user's fixed boundaries for a column, in points; an open side reaches the neighbour. */
export interface FixedColumn {
  name: string;
  x0?: number;
  x1?: number;
}

/** Words closer than this many font sizes belong to one column (a word space is ~0.3). */
const WORD_SPACE = 0.4;
/** Columns closer than this many font sizes may be one column split by a repeated first word. */
const NARROW = 1;
/** Lines whose single run of text is wider than this share of the table are not used for the gaps. */
const SPANNING = 0.4;
/** A header word hits a column when this share of its width lies over the column. */
const HIT = 0.2;

const overlap = (a: { x0: number; x1: number }, b: { x0: number; x1: number }) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);

/** The x-ranges the body writes into, merged where rows overlap or words are a word space apart. */
function bodyRanges(body: PageLine[], left: number, right: number): Array<{ x0: number; x1: number }> {
  const width = right - left || 1;
  const used = body.filter((line) => {
    const runs = segments(line);
    return runs.length > 1 || runs[0][runs[0].length - 1].x1 - runs[0][0].x0 < SPANNING * width;
  });
  const size = used.length ? used[used.length >> 1].size : 10;
  const spans = (used.length ? used : body).flatMap((l) => l.words.map((w) => ({ x0: w.x0, x1: w.x1 }))).sort((a, b) => a.x0 - b.x0);
  const ranges: Array<{ x0: number; x1: number }> = [];
  for (const span of spans) {
    const last = ranges[ranges.length - 1];
    if (last && span.x0 - last.x1 < WORD_SPACE * size) last.x1 = Math.max(last.x1, span.x1);
    else ranges.push({ ...span });
  }
  return ranges;
}


/**
 * A body range under two header runs of one line is two columns set too close for their words
 * to show a gap (or whose word boxes the text layer only estimates): split it at the widest gap
 * between its words that lies between the two headers.
 */
function splitUnderHeaders(ranges: Range[], header: PageLine[], body: PageLine[]): Range[] {
  const runs = header.map((line) => segments(line, HEADER_GAP).map((w) => ({ x0: w[0].x0, x1: w[w.length - 1].x1 })));
  return ranges.flatMap((range) => {
    const over = runs.map((line) => line.filter((run) => overlap(range, run) > HIT * (run.x1 - run.x0))).find((line) => line.length > 1);
    if (!over) return [range];
    const spans = body.flatMap((l) => l.words).filter((w) => overlap(range, w) > 0).sort((a, b) => a.x0 - b.x0);
    const parts: Range[] = [];
    for (const w of spans) {
      const last = parts[parts.length - 1];
      if (last && w.x0 <= last.x1) last.x1 = Math.max(last.x1, w.x1);
      else parts.push({ x0: w.x0, x1: w.x1 });
    }
    const cuts = over.slice(1).flatMap((right, i) => {
      const left = over[i];
      const gaps = parts.slice(1).map((p, j) => ({ at: j + 1, x0: parts[j].x1, x1: p.x0 })).filter((g) => g.x0 >= left.x0 && g.x1 <= right.x1);
      const widest = gaps.sort((a, b) => b.x1 - b.x0 - (a.x1 - a.x0))[0];
      return widest ? [widest.at] : [];
    });
    if (cuts.length === 0) return [range];
    const bounds = [0, ...cuts, parts.length];
    return bounds.slice(1).map((end, k) => ({ x0: parts[bounds[k]].x0, x1: parts[end - 1].x1 }));
  });
}

type Range = { x0: number; x1: number };

interface Placed {
  word: PageWord;
  line: number;
}

/**
 * Columns of a table whose header block is `header` (possibly empty) and whose body is `body`.
 * With `fixed`, the user's boundaries replace the derived columns they cover.
 */
export function tableColumns(header: PageLine[], body: PageLine[], fixed: FixedColumn[] = []): Column[] {
  const all = [...header, ...body];
  if (all.length === 0) return [];
  const left = minOf(all, (l) => l.x0);
  const right = maxOf(all, (l) => l.x1);
  const size = body.length ? body[body.length >> 1].size : header[0].size;
  let ranges = body.length ? splitUnderHeaders(bodyRanges(body, left, right), header, body) : [];
  const headerWords: Placed[] = header.flatMap((line, i) => line.words.map((word) => ({ word, line: i })));
  // A header over no data (an empty column) is a column of its own.
  for (const run of header.flatMap((line) => segments(line))) {
    const span = { x0: run[0].x0, x1: run[run.length - 1].x1 };
    if (!ranges.some((r) => overlap(r, span) > -0.5 * size)) ranges.push(span);
  }
  ranges.sort((a, b) => a.x0 - b.x0);
  const names: string[][] = ranges.map(() => []);
  const groups: string[][] = ranges.map(() => []);
  const merge = new Set<number>();
  const lowest = (c: number, below: number) => headerWords.some((p) => p.line > below && bestColumn(ranges, p.word) === c);
  for (const { word, line } of headerWords) {
    // A header word grazing a neighbouring column (a centred header over narrow numbers) does not hit it.
    const hit = ranges.map((r, c) => (overlap(r, word) > HIT * (word.x1 - word.x0) ? c : -1)).filter((c) => c >= 0);
    if (hit.length > 1 && hit.every((c) => lowest(c, line))) {
      for (const c of hit) groups[c].push(word.text);
      continue;
    }
    const narrow = hit.length > 1 && hit.slice(1).every((c) => ranges[c].x0 - ranges[c - 1].x1 < NARROW * size);
    if (narrow) for (const c of hit.slice(1)) merge.add(c);
    names[narrow ? hit[0] : bestColumn(ranges, word)].push(word.text);
  }
  let columns: Column[] = [];
  ranges.forEach((range, c) => {
    const header = stackedName([...groups[c], ...names[c]]);
    const last = columns[columns.length - 1];
    if (merge.has(c) && last) Object.assign(last, { x1: Math.max(last.x1, range.x1), header: [last.header, header].filter(Boolean).join(" ") });
    else columns.push({ ...range, header });
  });
  for (const f of fixed.filter((f) => f.x0 !== undefined || f.x1 !== undefined)) {
    const span = { x0: f.x0 ?? -Infinity, x1: f.x1 ?? Infinity };
    columns = columns.filter((c) => (c.x0 + c.x1) / 2 < span.x0 || (c.x0 + c.x1) / 2 > span.x1);
    columns.push({ ...span, header: f.name });
    columns.sort((a, b) => a.x0 - b.x0);
  }
  return columns;
}

/** The column a word belongs to: the one it overlaps most, else the nearest. */
export function bestColumn(columns: Array<{ x0: number; x1: number }>, word: { x0: number; x1: number }): number {
  let best = 0;
  let score = -Infinity;
  columns.forEach((column, c) => {
    const s = overlap(column, word);
    if (s > score) [best, score] = [c, s];
  });
  return best;
}

/** The index of the column a reference names: header text (exact, then contained), or position. */
export function columnRef(columns: Column[], ref: string | number): number {
  if (typeof ref === "number") return ref < columns.length ? ref : -1;
  const wanted = normalized(ref);
  const exact = columns.findIndex((c) => normalized(c.header) === wanted);
  return exact >= 0 ? exact : columns.findIndex((c) => normalized(c.header).includes(wanted));
}
