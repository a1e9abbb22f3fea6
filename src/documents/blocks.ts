import type { ListItem, ParsedDocument, ParsedTable, TextMark } from "./model";

/** A structure of a page in reading order: what the HTML and chunk renderings are built from. */
export interface Block {
  page: number;
  type: "heading" | "paragraph" | "table" | "list";
  /** `[start, end)` in the page's text. */
  start: number;
  end: number;
  text: string;
  level?: number;
  table?: ParsedTable;
  /** A list's items in order, each with its own text (nested items follow their parent, one deeper). */
  items?: Item[];
}

export type Item = ListItem & { start: number; end: number; text: string };

/** Consecutive list items (only blank space between them) as one list: the marks it takes from `marks[from]` on. */
export function listRun(text: string, marks: TextMark[], from: number): Item[] {
  const items: Item[] = [];
  for (let i = from; i < marks.length && marks[i].list; i++) {
    const mark = marks[i];
    const last = items[items.length - 1];
    if (last && (mark.start < last.end || text.slice(last.end, mark.start).trim() !== "")) break;
    items.push({ ...mark.list!, start: mark.start, end: mark.end, text: text.slice(mark.start, mark.end) });
  }
  return items;
}

/** Paragraphs of unmarked text: runs of lines separated by a blank line (a PDF page's layout blocks, a text file's paragraphs). */
function paragraphs(text: string, from: number, to: number, page: number): Block[] {
  const blocks: Block[] = [];
  const re = /\S[\s\S]*?(?=\n[ \t]*\n|$)/g;
  const slice = text.slice(from, to);
  for (const m of slice.matchAll(re)) {
    const body = m[0].trimEnd();
    blocks.push({ page, type: "paragraph", start: from + m.index, end: from + m.index + body.length, text: body });
  }
  return blocks;
}

/**
 * The blocks of every page: marked headings, tables and lists where the parser marked them (HTML,
 * Word, PowerPoint, e-mail), paragraphs between them; a sheet is its table; a table the parser did
 * not place in the text (a PDF's detected tables) closes its page.
 */
export function documentBlocks(parsed: ParsedDocument): Block[] {
  const blocks: Block[] = [];
  const placed = new Set<number>();
  parsed.pages.forEach((text, page) => {
    const marks = (parsed.marks ?? []).filter((m) => (m.page ?? 0) === page).sort((a, b) => a.start - b.start);
    let at = 0;
    for (let i = 0; i < marks.length; i++) {
      const mark = marks[i];
      if (mark.start < at) continue;
      blocks.push(...paragraphs(text, at, mark.start, page));
      const body = text.slice(mark.start, mark.end);
      const table = mark.table !== undefined ? parsed.tables[mark.table] : undefined;
      if (table) (placed.add(mark.table!), blocks.push({ page, type: "table", start: mark.start, end: mark.end, text: body, table }));
      else if (mark.heading) blocks.push({ page, type: "heading", level: mark.heading, start: mark.start, end: mark.end, text: body });
      else if (mark.list) {
        const items = listRun(text, marks, i);
        const end = items[items.length - 1].end;
        blocks.push({ page, type: "list", start: mark.start, end, text: text.slice(mark.start, end), items });
        i += items.length - 1;
        at = end;
        continue;
      } else blocks.push(...paragraphs(text, mark.start, mark.end, page));
      at = mark.end;
    }
    const sheet = parsed.page_info?.[page]?.source === "sheet";
    const own = parsed.tables.map((t, i) => ({ t, i })).filter(({ t, i }) => (t.page ?? 0) === page && !placed.has(i));
    if (!(sheet && own.length > 0)) blocks.push(...paragraphs(text, at, text.length, page));
    for (const { t } of own) blocks.push({ page, type: "table", start: sheet ? 0 : text.length, end: text.length, text: sheet ? text : "", table: t });
  });
  return blocks;
}
