import { documentBlocks, type Block } from "./blocks";
import { spanBox, type Box, type ParsedDocument } from "./model";
import { markdownTable } from "./render-tables";

/** Characters a chunk holds at most; a longer paragraph is cut at a blank or line end before it. */
export const CHUNK_CHARS = 2000;
/** Characters a cut paragraph's next chunk repeats from the end of the previous one. */
export const CHUNK_OVERLAP = 200;

export interface Chunk {
  id: string;
  page: number;
  type: Block["type"];
  text: string;
  bbox?: Box;
  /** `[start, end)` in the page text (the one `text` format and extractors use). */
  span: [number, number];
}

/** Pieces of a long text: at most CHUNK_CHARS each, cut at whitespace, each after the first starting CHUNK_OVERLAP before the last cut. */
function pieces(start: number, end: number, text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = start;
  while (end - from > CHUNK_CHARS) {
    const window = text.slice(from, from + CHUNK_CHARS);
    const cut = Math.max(window.lastIndexOf("\n"), window.lastIndexOf(" "));
    const to = from + (cut > CHUNK_CHARS / 2 ? cut : CHUNK_CHARS);
    out.push([from, to]);
    from = to - CHUNK_OVERLAP;
  }
  out.push([from, end]);
  return out;
}

/** Table chunks: the table as a Markdown table, cut between rows with the header row repeated, never inside a row. */
function tableTexts(block: Block): string[] {
  const table = block.table!;
  const texts: string[] = [];
  let rows: string[][] = [];
  for (const row of table.rows) {
    if (rows.length > 0 && markdownTable({ header: table.header, rows: [...rows, row] }).length > CHUNK_CHARS) {
      texts.push(markdownTable({ header: table.header, rows }));
      rows = [];
    }
    rows.push(row);
  }
  texts.push(markdownTable({ header: table.header, rows }));
  return texts;
}

/**
 * Retrieval chunks: one per heading, paragraph, list or table of each page, in reading order, a block
 * longer than CHUNK_CHARS cut into several (text with CHUNK_OVERLAP characters of overlap, tables
 * between rows with their header). On PDFs each chunk has the box of the words it covers.
 */
export function renderChunks(parsed: ParsedDocument): Chunk[] {
  const chunks: Chunk[] = [];
  for (const block of documentBlocks(parsed)) {
    const text = parsed.pages[block.page];
    const page = parsed.page_numbers?.[block.page] ?? block.page;
    const add = (body: string, span: [number, number]) => {
      const words = parsed.words?.[block.page];
      const bbox = words ? spanBox(words, span[0], span[1]) : null;
      chunks.push({ id: `p${page + 1}-c${chunks.length + 1}`, page, type: block.type, text: body, ...(bbox ? { bbox } : {}), span });
    };
    if (block.type === "table" && block.table) for (const body of tableTexts(block)) add(body, [block.start, block.end]);
    else for (const [start, end] of pieces(block.start, block.end, text)) add(text.slice(start, end).trim(), [start, end]);
  }
  return chunks;
}
