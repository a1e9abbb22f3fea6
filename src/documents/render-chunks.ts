import { documentBlocks, type Block } from "./blocks";
import { spanBox, type Box, type ParsedDocument } from "./model";
import { markdownItems } from "./render-lists";
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
 * List chunks: the list as a Markdown list, cut between items (never inside one) with the span of
 * the items each holds; an item longer than CHUNK_CHARS alone is cut as text is.
 */
function listPieces(block: Block, text: string): Array<{ body: string; span: [number, number] }> {
  const items = block.items!;
  const rendered = markdownItems(items);
  const out: Array<{ body: string; span: [number, number] }> = [];
  let [first, length] = [0, 0];
  const flush = (to: number) => {
    if (to > first) out.push({ body: rendered.slice(first, to).join("\n"), span: [items[first].start, items[to - 1].end] });
    [first, length] = [to, 0];
  };
  rendered.forEach((markdown, i) => {
    if (markdown.length > CHUNK_CHARS) {
      flush(i);
      for (const [start, end] of pieces(items[i].start, items[i].end, text)) out.push({ body: text.slice(start, end).trim(), span: [start, end] });
      [first, length] = [i + 1, 0];
      return;
    }
    if (length > 0 && length + 1 + markdown.length > CHUNK_CHARS) flush(i);
    length += (length > 0 ? 1 : 0) + markdown.length;
  });
  flush(items.length);
  return out;
}

/**
 * Retrieval chunks: one per heading, paragraph, list or table of each page, in reading order, a block
 * longer than CHUNK_CHARS cut into several (text with CHUNK_OVERLAP characters of overlap, lists
 * between items, tables between rows with their header). On PDFs each chunk has the box of the words it covers.
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
    else if (block.type === "list" && block.items) for (const { body, span } of listPieces(block, text)) add(body, span);
    else for (const [start, end] of pieces(block.start, block.end, text)) add(text.slice(start, end).trim(), [start, end]);
  }
  return chunks;
}
