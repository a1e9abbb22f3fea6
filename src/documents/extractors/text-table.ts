import type { TextLine } from "./text-lines";

/** A cell of a table read from text: its text and its character span within the line. */
export interface TextCell {
  text: string;
  start: number;
  end: number;
}

/** A table seen in text: its header cells and body rows, each row with the line it came from. */
export interface TextTable {
  header: TextCell[];
  rows: Array<{ line: TextLine; cells: Array<TextCell | undefined> }>;
}

const normalized = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();
const isPipeRow = (text: string) => /^\s*\|.*\|\s*$/.test(text);
const isRule = (text: string) => /^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*:?-{0,}:?\s*\|?\s*$/.test(text);

/** Markdown cells between pipes (an escaped `\|` stays in the cell). */
function pipeCells(text: string): TextCell[] {
  const cells: TextCell[] = [];
  const open = text.indexOf("|");
  let start = open + 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "|" && text[i - 1] !== "\\") {
      const raw = text.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      cells.push({ text: raw.trim(), start: start + lead, end: start + lead + raw.trim().length });
      start = i + 1;
    }
  }
  return cells;
}

/** Layout text (`pdftotext -layout` style): cells are runs of text separated by two or more spaces or a tab. */
function layoutCells(text: string): TextCell[] {
  return [...text.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/** Places a layout row's cells under the header columns they overlap most (numbers are often right-aligned). */
function aligned(header: TextCell[], cells: TextCell[]): Array<TextCell | undefined> {
  if (cells.length === header.length) return cells;
  const out: Array<TextCell | undefined> = header.map(() => undefined);
  for (const cell of cells) {
    let best = -1;
    let bestOverlap = -Infinity;
    header.forEach((column, i) => {
      const from = i === 0 ? -Infinity : column.start;
      const to = i + 1 < header.length ? header[i + 1].start : Infinity;
      const overlap = Math.min(cell.end, to) - Math.max(cell.start, from);
      if (overlap > bestOverlap) [best, bestOverlap] = [i, overlap];
    });
    out[best] = out[best] ? { ...out[best]!, text: `${out[best]!.text} ${cell.text}`, end: cell.end } : cell;
  }
  return out;
}

/**
 * The table whose header is `lines[at]`. A Markdown table runs while lines are pipe rows; a layout
 * table runs to the end of the document (it may continue over pages): lines with fewer than two
 * cells (titles, page footers) are not rows, and a repeat of the header line is skipped.
 */
export function readTextTable(lines: TextLine[], at: number): TextTable {
  const headerLine = lines[at].text;
  const pipes = isPipeRow(headerLine);
  const header = pipes ? pipeCells(headerLine) : layoutCells(headerLine);
  const key = normalized(pipes ? header.map((c) => c.text).join("|") : headerLine);
  const rows: TextTable["rows"] = [];
  for (const line of lines.slice(at + 1)) {
    if (pipes && !isPipeRow(line.text)) break;
    if (pipes && isRule(line.text)) continue;
    const cells = pipes ? pipeCells(line.text) : layoutCells(line.text);
    if (normalized(pipes ? cells.map((c) => c.text).join("|") : line.text) === key) continue;
    if (!pipes && cells.length < 2) continue;
    rows.push({ line, cells: pipes ? cells : aligned(header, cells) });
  }
  return { header, rows };
}

/** Lines that open a Markdown table: a pipe row followed by a `|---|` rule. */
export function markdownHeaders(lines: TextLine[]): number[] {
  return lines.flatMap((line, i) => (isPipeRow(line.text) && i + 1 < lines.length && isRule(lines[i + 1].text) ? [i] : []));
}

/** The first line holding every text (case and spacing ignored): the header of a table seen in text. */
export function headerLine(lines: TextLine[], texts: string[]): number {
  const wanted = texts.map(normalized);
  return lines.findIndex((line) => {
    const text = normalized(line.text);
    return wanted.every((w) => text.includes(w));
  });
}
