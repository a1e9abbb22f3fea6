import type { PageAside, PageInfo, ParsedTable, TextMark } from "../model";
import { parseHtml } from "./html";

/** What a parser of a paged format leaves before page selection: the model's page-bound parts. */
export interface PagedDocument {
  pages: string[];
  page_info?: PageInfo[];
  tables: ParsedTable[];
  marks?: TextMark[];
  asides?: PageAside[];
}

/** HTML fragments, one per page, read by the HTML parser; tables and marks carry their page. */
export function htmlPages(fragments: string[]): PagedDocument {
  const doc: Required<Pick<PagedDocument, "pages" | "tables" | "marks">> = { pages: [], tables: [], marks: [] };
  fragments.forEach((fragment, page) => {
    const html = parseHtml(fragment);
    const offset = doc.tables.length;
    doc.pages.push(html.text);
    doc.tables.push(...html.tables.map((table) => ({ ...table, page, method: "markup" as const })));
    doc.marks.push(...html.marks.map((mark) => ({ ...mark, page, ...(mark.table !== undefined ? { table: mark.table + offset } : {}) })));
  });
  return doc;
}

/**
 * Only the pages in `kept` (zero-based, ascending): tables, marks and asides of other pages are
 * dropped, and page and table indexes renumbered to the kept pages.
 */
export function keepPages(doc: PagedDocument, kept: number[]): PagedDocument {
  if (kept.length === doc.pages.length) return doc;
  const newPage = new Map(kept.map((page, i) => [page, i]));
  const newTable = new Map<number, number>();
  const tables: ParsedTable[] = [];
  doc.tables.forEach((table, i) => {
    const page = newPage.get(table.page ?? 0);
    if (page === undefined) return;
    newTable.set(i, tables.length);
    tables.push({ ...table, page });
  });
  const marks = (doc.marks ?? []).flatMap((mark) => {
    const page = newPage.get(mark.page ?? 0);
    if (page === undefined) return [];
    return [{ ...mark, page, ...(mark.table !== undefined ? { table: newTable.get(mark.table) } : {}) }];
  });
  const asides = (doc.asides ?? []).flatMap((aside) => (newPage.has(aside.page) ? [{ ...aside, page: newPage.get(aside.page)! }] : []));
  return {
    pages: kept.map((page) => doc.pages[page]),
    ...(doc.page_info ? { page_info: kept.map((page) => doc.page_info![page]) } : {}),
    tables,
    ...(marks.length ? { marks } : {}),
    ...(asides.length ? { asides } : {}),
  };
}
