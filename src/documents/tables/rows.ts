/**
 * Body rows of a table read from text positions: each line's words placed in their columns, a
 * line that only continues wrapped text joined to the row above, a line of one cell that is not
 * such a continuation marked as a section row.
 */
import { unionBox, type Box } from "../model";
import { bestColumn, type Column } from "./columns";
import { joinWords, median, type PageLine, type PageWord } from "./lines";

export interface FoundCell {
  text: string;
  words: PageWord[];
}

export interface FoundRow {
  page: number;
  cells: Array<FoundCell | undefined>;
  box: Box;
  /** The row's source text: its lines, trimmed, one per line. */
  text: string;
  /** One cell across the table (a group title such as a region's name), not a record. */
  section?: boolean;
}

/** How wrapped lines join: `true` always, `false` never, undefined when the line spacing says so. */
export type Continuation = boolean | undefined;

const NUMBER = /^[-+−(]?[$€£¥]?\s?\d[\d.,'’\s]*%?\)?-?(\s?[$€£¥%]|\s?[A-Z]{3})?$/;
/** A line closer to the one above than this share of the table's row pitch continues that row. */
const TIGHT = 0.85;

function cellsOf(columns: Column[], line: PageLine): Array<FoundCell | undefined> {
  const words: PageWord[][] = columns.map(() => []);
  for (const word of line.words) words[bestColumn(columns, word)].push(word);
  return words.map((w) => (w.length ? { text: joinWords(w), words: w } : undefined));
}

const rowOf = (line: PageLine, cells: Array<FoundCell | undefined>): FoundRow =>
  ({ page: line.page, cells, box: [line.x0, line.y0, line.x1, line.y1], text: line.text.trim() });

/** Columns most of whose cells are numbers: they do not wrap, so a line without them continues a row. */
function numericColumns(grid: Array<Array<FoundCell | undefined>>, width: number): boolean[] {
  return Array.from({ length: width }, (_, c) => {
    const texts = grid.flatMap((cells) => (cells[c] ? [cells[c]!.text] : []));
    return texts.length > 0 && texts.filter((t) => NUMBER.test(t)).length >= 0.6 * texts.length;
  });
}

function append(row: FoundRow, line: PageLine, cells: Array<FoundCell | undefined>) {
  cells.forEach((cell, c) => {
    if (!cell) return;
    const before = row.cells[c];
    row.cells[c] = before ? { text: `${before.text} ${cell.text}`, words: [...before.words, ...cell.words] } : cell;
  });
  row.box = unionBox(row.box, [line.x0, line.y0, line.x1, line.y1]);
  row.text += `\n${line.text.trim()}`;
}

/** The rows of a table's body lines (in reading order, possibly over several pages). */
export function tableRows(columns: Column[], body: PageLine[], continuation: Continuation): FoundRow[] {
  const grid = body.map((line) => cellsOf(columns, line));
  const numeric = numericColumns(grid, columns.length);
  const filled = grid.map((cells) => cells.filter(Boolean).length);
  // Wrapped lines may outnumber rows: with number columns, a line without numbers may wrap.
  const usual = numeric.some(Boolean) ? Infinity : median(filled, 1);
  const wraps = grid.map((cells, i) => filled[i] < usual && cells.every((cell, c) => !cell || !numeric[c]));
  const pitches = body.flatMap((line, i) => (i > 0 && !wraps[i] && !wraps[i - 1] && body[i - 1].page === line.page ? [line.y0 - body[i - 1].y0] : []));
  const pitch = pitches.length ? median(pitches, 0) : 0;
  const rows: FoundRow[] = [];
  let previous: PageLine | null = null;
  body.forEach((line, i) => {
    const last = rows[rows.length - 1];
    const close = previous?.page === line.page && (pitch > 0 ? line.y0 - previous.y0 < TIGHT * pitch : line.y0 - previous.y0 <= 1.35 * line.size);
    const joins = wraps[i] && last && !last.section && last.page === line.page && continuation !== false && (continuation === true || close);
    if (joins) append(last, line, grid[i]);
    else rows.push({ ...rowOf(line, grid[i]), ...(filled[i] === 1 && columns.length >= 2 ? { section: true } : {}) });
    previous = line;
  });
  return rows;
}
