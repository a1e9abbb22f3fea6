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
import { median, segments, type PageLine } from "./lines";
import { tableRows, type Continuation } from "./rows";

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
/** A line of one run of text wider than this share of the table is a paragraph: the table has ended. */
const PARAGRAPH = 0.55;
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
  let left = Math.min(...header.map((l) => l.x0));
  let right = Math.max(...header.map((l) => l.x1));
  const body: PageLine[] = [];
  let previous = header[header.length - 1];
  for (let i = block.to; i < lines.length; i++) {
    const line = lines[i];
    if (i >= nextHeader) return { lines: body, stop: "header", at: i };
    if (spec.end?.test(line.text)) return { lines: body, stop: "end", at: i };
    const pitch = median(body.slice(1).map((l, j) => l.y0 - body[j].y0), 1.4 * line.size);
    const gap = line.y0 - previous.y1;
    const runs = segments(line);
    const wide = runs.length === 1 && line.x1 - line.x0 > PARAGRAPH * (Math.max(right, line.x1) - Math.min(left, line.x0));
    if (gap > Math.max(GAP_SIZES * line.size, GAP_PITCHES * pitch) || (wide && body.length > 0)) return { lines: body, stop: "bottom", at: i };
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
    bbox: [Math.min(...all.map((l) => l.x0)), header[0].y0, Math.max(...all.map((l) => l.x1)), Math.max(...all.map((l) => l.y1))],
    lines: [header[0].index, Math.max(...all.map((l) => l.index)) + 1],
  };
}
