/**
 * The parsed document made readable, to write and debug patterns against: the text extractors see,
 * a Markdown rendering, or pages → lines → words with their boxes.
 */
import { listRun } from "./blocks";
import { unionBox, WORD_STRIDE, type Box, type ParsedDocument } from "./model";
import { markdownList } from "./render-lists";
import { fenced, markdownTable, pdfMarkdown, tablesJson } from "./render-tables";


export const CONTENT_FORMATS = ["text", "markdown", "json", "html", "chunks"] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];

/** Pages are separated by a form feed, as `pdftotext` does and as text input is split into pages. */
export const PAGE_SEPARATOR = "\f";

/** Exactly the page texts extractors search, with their spans unchanged within each page. */
export const renderText = (parsed: ParsedDocument) => parsed.pages.join(PAGE_SEPARATOR);

interface Word {
  text: string;
  start: number;
  end: number;
  bbox?: Box;
}

/** The words of a page: the stored boxes of a PDF, else the page's runs of non-blank characters. */
function wordsOf(parsed: ParsedDocument, page: number): Word[] {
  const text = parsed.pages[page];
  const flat = parsed.words?.[page];
  const word = (start: number, end: number) => ({ text: text.slice(start, end), start, end });
  if (!flat) return Array.from(text.matchAll(/\S+/g), (m) => word(m.index, m.index + m[0].length));
  const words: Word[] = [];
  for (let i = 0; i < flat.length; i += WORD_STRIDE) {
    words.push({ ...word(flat[i], flat[i + 1]), bbox: [flat[i + 2], flat[i + 3], flat[i + 4], flat[i + 5]] });
  }
  return words;
}

const union = (boxes: Box[]): Box | undefined => (boxes.length === 0 ? undefined : boxes.reduce(unionBox));

/** Pages → non-blank lines → words, with spans into the page text and, on PDFs, boxes (points, origin top-left). */
export function renderJson(parsed: ParsedDocument) {
  return {
    mime_type: parsed.mime_type,
    filename: parsed.filename,
    coordinates: parsed.words ? { unit: "pt", origin: "top-left" } : null,
    pages: parsed.pages.map((text, index) => {
      const words = wordsOf(parsed, index);
      let next = 0;
      const lines = [];
      let start = 0;
      for (const line of text.split("\n")) {
        const end = start + line.length;
        const inLine: Word[] = [];
        while (next < words.length && words[next].start < end) inLine.push(words[next++]);
        if (line.trim() !== "") {
          const bbox = union(inLine.flatMap((w) => (w.bbox ? [w.bbox] : [])));
          lines.push({ text: line, start, end, ...(bbox ? { bbox } : {}), words: inLine });
        }
        start = end + 1;
      }
      return { page: parsed.page_numbers?.[index] ?? index, text, lines };
    }),
    tables: tablesJson(parsed),
  };
}

/** A page's text with its marked headings as `#` lines, its marked tables as Markdown tables and its lists as Markdown lists. */
function markedMarkdown(parsed: ParsedDocument, page = 0): string {
  const text = parsed.pages[page];
  const out: string[] = [];
  let at = 0;
  const marks = (parsed.marks ?? []).filter((mark) => (mark.page ?? 0) === page && (mark.table !== undefined || mark.heading || mark.list));
  for (let i = 0; i < marks.length; i++) {
    const mark = marks[i];
    if (mark.start < at) continue;
    out.push(text.slice(at, mark.start));
    if (mark.list) {
      const items = listRun(text, marks, i);
      out.push(markdownList(items));
      i += items.length - 1;
      at = items[items.length - 1].end;
      continue;
    }
    const table = mark.table !== undefined ? parsed.tables[mark.table] : undefined;
    if (table) out.push(markdownTable(table));
    else out.push(`${"#".repeat(mark.heading ?? 1)} ${text.slice(mark.start, mark.end)}`);
    at = mark.end;
  }
  out.push(text.slice(at));
  return out.join("");
}

/**
 * Word, PowerPoint, Excel and e-mail: page by page (a sheet or slide under its name as a heading),
 * marked headings as headings, tables as Markdown tables; a sheet is its table.
 */
function pagedMarkdown(parsed: ParsedDocument): string {
  return parsed.pages.map((text, page) => {
    const info = parsed.page_info?.[page];
    const title = info?.source === "sheet" || info?.source === "slide" ? `## ${info.name ?? `Page ${page + 1}`}\n\n` : "";
    const sheet = info?.source === "sheet" ? parsed.tables.find((t) => t.page === page) : undefined;
    return title + (sheet ? markdownTable(sheet) : markedMarkdown(parsed, page));
  }).join("\n\n---\n\n");
}

/**
 * Markdown: HTML keeps its headings and tables, CSV is one table, JSON a fenced block; a PDF's
 * tables are Markdown tables in place and the rest of its layout text is fenced page by page so its
 * columns stay aligned; plain text and Markdown are as written.
 */
export function renderMarkdown(parsed: ParsedDocument): string {
  const mime = parsed.mime_type;
  if (mime === "text/html") return markedMarkdown(parsed);
  if (parsed.page_info?.some((info) => info.source === "sheet" || info.source === "slide") || parsed.marks?.some((m) => m.page !== undefined)) {
    return pagedMarkdown(parsed);
  }
  if (mime === "text/csv" && parsed.tables.length > 0) return markdownTable(parsed.tables[0]);
  if (mime === "application/json") return fenced(JSON.stringify(parsed.json, null, 2), "json");
  if (mime === "application/pdf") return pdfMarkdown(parsed);
  return parsed.pages.join("\n\n---\n\n");
}
