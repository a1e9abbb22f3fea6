/**
 * Borderless (stream) tables read under a header the user named: the body runs from the header
 * block to the first line that does not fit (a paragraph, a wide gap such as before a footer,
 * another header on the page, the `end` pattern), and continues on the next page under a repeated
 * header when the table ran to the bottom of its page.
 */
import type { Pattern } from "../pattern";
import { tableColumns, type FixedColumn } from "./columns";
import { headerBlocks, type HeaderBlock } from "./header";
import type { FoundTable } from "./lattice";
import { HEADER_GAP, median, segments, type PageLine } from "./lines";
import { tableRows, type Continuation } from "./rows";
import { minOf, maxOf } from "../extent";

export interface StreamSpec {
  texts: string[];
  headerLines?: number;
  end?: Pattern | null;
  continuation?: Continuation;
  fixed?: FixedColumn[];
}

/** A gap between lines wider than this many font sizes (and row pitches) ends the table on its page. */
const GAP_SIZES = 2.5;
const GAP_PITCHES = 1.8;
/** The first row may sit further below the header (a rule, padding): up to this many font sizes. */
const FIRST_GAP = 4;
/** A line of one run of text under several headers and wider than this share of the table is a paragraph: the table has ended. */
const PARAGRAPH = 0.4;
/** A table continues on the next page when at most this many lines follow it (page footers) ... */
const TRAILING = 3;
/** ... and its repeated header comes within this many lines of the next page's top (running headers). */
const LEADING = 6;

type Stop = "end" | "header" | "bottom";

interface Body {
  lines: PageLine[];
  stop: Stop;
  /** Index of the page line the body stopped at. */
  at: number;
}

/** The body lines under a header block on its page, up to the first line that does not fit. */
function bodyOf(lines: PageLine[], block: HeaderBlock, nextHeader: number, spec: StreamSpec): Body {
  const header = lines.slice(block.from, block.to);
  let left = minOf(header, (l) => l.x0);
  let right = maxOf(header, (l) => l.x1);
  const headings = header.flatMap((line) => segments(line, HEADER_GAP)).map((run) => ({ x0: run[0].x0, x1: run[run.length - 1].x1 }));
  const body: PageLine[] = [];
  let previous = header[header.length - 1];
  for (let i = block.to; i < lines.length; i++) {
    const line = lines[i];
    if (i >= nextHeader) return { lines: body, stop: "header", at: i };
    if (spec.end?.test(line.text)) return { lines: body, stop: "end", at: i };
    const pitch = median(body.slice(1).map((l, j) => l.y0 - body[j].y0), 1.4 * line.size);
    const gap = line.y0 - previous.y1;
    // Wrapped text stays under its own header; a paragraph runs on under several.
    const runs = segments(line);
    const under = headings.filter((h) => Math.min(h.x1, line.x1) > Math.max(h.x0, line.x0)).length;
    const paragraph = runs.length === 1 && under > 1 && line.x1 - line.x0 > PARAGRAPH * (Math.max(right, line.x1) - Math.min(left, line.x0));
    const widest = body.length ? Math.max(GAP_SIZES * line.size, GAP_PITCHES * pitch) : FIRST_GAP * line.size;
    if (gap > widest || (paragraph && body.length > 0)) return { lines: body, stop: "bottom", at: i };
    body.push(line);
    [left, right] = [Math.min(left, line.x0), Math.max(right, line.x1)];
    previous = line;
  }
  return { lines: body, stop: "bottom", at: lines.length };
}

/**
 * The tables under header blocks holding `texts` on the given pages (page lines), in order; a table
 * continued over pages is one table. `wanted` stops after that many tables.
 */
export function streamTables(pages: PageLine[][], spec: StreamSpec, wanted: number): FoundTable[] {
  const blocks = pages.map((lines) => (lines.length ? headerBlocks(lines, spec.texts, lines[0].page, spec.headerLines) : []));
  const tables: FoundTable[] = [];
  for (let p = 0; p < pages.length && tables.length < wanted; p++) {
    for (let b = 0; b < blocks[p].length && tables.length < wanted; b++) {
      const block = blocks[p][b];
      const header = pages[p].slice(block.from, block.to);
      let body = bodyOf(pages[p], block, blocks[p][b + 1]?.from ?? Infinity, spec);
      const lines = [...body.lines];
      // Continued on the next page under a repeated header: only by the page's last table, run to its bottom.
      let q = p;
      let last = b === blocks[p].length - 1;
      while (last && body.stop === "bottom" && q + 1 < pages.length) {
        const next = blocks[q + 1][0];
        if (pages[q].length - body.at > TRAILING || !next || next.from > LEADING) break;
        blocks[q + 1].shift();
        q++;
        body = bodyOf(pages[q], next, blocks[q][0]?.from ?? Infinity, spec);
        lines.push(...body.lines);
        last = blocks[q].length === 0;
      }
      tables.push(tableOf(header, lines, spec, block));
      if (q > p) {
        p = q - 1; // the continued page's remaining headers are read next
        break;
      }
    }
  }
  return tables;
}

function tableOf(header: PageLine[], body: PageLine[], spec: StreamSpec, block: HeaderBlock): FoundTable {
  const columns = tableColumns(header, body, spec.fixed);
  const rows = tableRows(columns, body, spec.continuation);
  const all = [...header, ...body.filter((l) => l.page === block.page)];
  return {
    page: block.page, header: columns.map((c) => c.header), rows, method: "stream", columns,
    bbox: [minOf(all, (l) => l.x0), header[0].y0, maxOf(all, (l) => l.x1), maxOf(all, (l) => l.y1)],
    lines: [header[0].index, maxOf(all, (l) => l.index) + 1],
  };
}
