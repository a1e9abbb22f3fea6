import { anchorOf, type Entry } from "./operation";

/** One operation as the page's search sees it; short keys keep the inline index small. */
export interface SearchEntry {
  /** the section id to jump to */
  a: string;
  m: string;
  p: string;
  /** summary, tag, and the text searched besides them (description, operationId) */
  s: string;
  t: string;
  d: string;
}

/** Markdown markers out, so a search for `next_cursor` matches "`next_cursor`". */
const plain = (text = "") => text.replace(/\*\*|`|\[([^\]]*)\]\([^)]*\)/g, (_, label?: string) => label ?? "").replace(/\s+/g, " ").trim();

export function searchIndex(entries: Entry[], tagOf: (e: Entry) => string): SearchEntry[] {
  return entries.map((e) => ({
    a: anchorOf(e),
    m: e.method.toUpperCase(),
    p: e.path,
    s: plain(e.op.summary),
    t: tagOf(e),
    d: `${plain(e.op.description)} ${e.op.operationId ?? ""}`.trim(),
  }));
}

/**
 * The index as the text of a `<script type="application/json">` data block (never run, so the
 * page's CSP allows it): `<` escaped so no description can close the element early.
 */
export const indexScriptText = (index: SearchEntry[]) => JSON.stringify(index).replace(/</g, "\\u003c");
