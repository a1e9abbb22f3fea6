import type { ListItem, ParsedTable, TextMark } from "../model";
import { parseMarkup } from "./markup";

interface Node {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: Node[];
}

const HIDDEN = new Set(["script", "style", "noscript", "template", "head", "svg", "iframe", "object"]);
const BLOCK = new Set(["p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "ul", "ol", "li", "dl", "dt", "dd",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "blockquote", "address", "figure", "figcaption", "form", "fieldset"]);

const squash = (text: string) => text.replace(/[ \t\f\v\u00a0]+/g, " ");

function textOf(node: Node): string {
  if (node.type === "text") return squash(node.data ?? "");
  if (node.type !== "tag" && node.type !== "root") return "";
  if (node.name && HIDDEN.has(node.name)) return "";
  if (node.name === "br") return " ";
  return (node.children ?? []).map(textOf).join("");
}

function tableOf(node: Node): ParsedTable {
  const rows: string[][] = [];
  const walk = (n: Node) => {
    if (n.name === "tr") rows.push((n.children ?? []).filter((c) => c.name === "td" || c.name === "th").map((c) => textOf(c).trim()));
    else if (n.name !== "table" || n === node) (n.children ?? []).forEach(walk);
  };
  walk(node);
  const [header = [], ...body] = rows;
  return { header, rows: body };
}

const HEADING = /^h([1-6])$/;
const LIST = new Set(["ul", "ol"]);

/** A structure's place in the raw text the walk writes (`[start, end)`), moved to the final text once it is known. */
type Placed = Omit<TextMark, "page"> & { start: number; end: number };

/**
 * The final text of the walk's raw text: lines trimmed, runs of blank lines one blank line, no blank
 * line first or last; and where a raw offset lands in it, so marks placed while walking stay exact
 * (a list item reading "Yes" is that item, not an earlier paragraph saying the same).
 */
function normalize(raw: string): { text: string; at: (offset: number) => number } {
  const kept: string[] = [];
  const rawStarts: number[] = [];
  const finalStarts: number[] = [];
  const leads: number[] = [];
  let [rawAt, finalAt, previousBlank] = [0, 0, true];
  for (const line of raw.split("\n")) {
    const trimmed = line.trim();
    rawStarts.push(rawAt);
    finalStarts.push(finalAt);
    leads.push(line.length - line.trimStart().length);
    if (trimmed !== "" || !previousBlank) (kept.push(trimmed), (finalAt += trimmed.length + 1));
    previousBlank = trimmed === "";
    rawAt += line.length + 1;
  }
  const text = kept.join("\n").trim();
  const at = (offset: number) => {
    let [low, high] = [0, rawStarts.length - 1];
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (rawStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    const into = offset - rawStarts[low] - leads[low];
    const length = (finalStarts[low + 1] ?? finalAt) - finalStarts[low];
    return Math.min(text.length, finalStarts[low] + Math.max(0, Math.min(into, length)));
  };
  return { text, at };
}

/** A placed structure in the final text, without the blank space at its edges; null when nothing of it is left. */
function finalMark(text: string, at: (offset: number) => number, { start, end, ...what }: Placed): TextMark | null {
  let [from, to] = [at(start), at(end)];
  while (from < to && /\s/.test(text[from])) from++;
  while (to > from && /\s/.test(text[to - 1])) to--;
  return from < to ? { start: from, end: to, ...what } : null;
}

/**
 * Visible text of an HTML page, block elements on their own lines and table rows as
 * tab-separated lines; every table is also kept as a table for the `table` extractor, and
 * `marks` say where headings, tables and list items (an item's own lines, not its nested list)
 * sit in the text (for the Markdown, HTML and chunk renderings).
 */
export function parseHtml(html: string): { text: string; tables: ParsedTable[]; marks: TextMark[] } {
  const tables: ParsedTable[] = [];
  const placed: Placed[] = [];
  const out: string[] = [];
  let length = 0;
  const write = (...pieces: string[]) => {
    for (const piece of pieces) (out.push(piece), (length += piece.length));
  };
  // The lists the walk is inside (innermost last): ordered or not, and the next item's number.
  const lists: Array<{ ordered: boolean; next: number }> = [];
  const listItem = (node: Node) => {
    const list = lists[lists.length - 1] ?? { ordered: false, next: 1 };
    write("\n");
    const item: Placed = { start: length, end: -1, list: { ordered: list.ordered, depth: Math.max(0, lists.length - 1), number: list.next++ } };
    placed.push(item);
    for (const child of node.children ?? []) {
      if (child.name && LIST.has(child.name) && item.end < 0) item.end = length;
      walk(child);
    }
    if (item.end < 0) item.end = length;
    write("\n");
  };
  const walk = (node: Node) => {
    if (node.type === "text") return write(squash(node.data ?? ""));
    if (node.type !== "tag" && node.type !== "root") return;
    if (node.name && HIDDEN.has(node.name)) return;
    if (node.name === "br") return write("\n"); // a line break inside a block, not a paragraph
    if (node.name === "table") {
      const table = tableOf(node);
      write("\n");
      const start = length;
      write([table.header, ...table.rows].map((r) => r.join("\t")).join("\n"));
      placed.push({ start, end: length, table: tables.length });
      tables.push(table);
      return write("\n");
    }
    if (node.name === "li") return listItem(node);
    if (node.name && LIST.has(node.name)) {
      const start = Number.parseInt(node.attribs?.start ?? "", 10);
      lists.push({ ordered: node.name === "ol", next: Number.isSafeInteger(start) ? start : 1 });
    }
    const block = node.name !== undefined && BLOCK.has(node.name);
    if (block) write("\n");
    const level = HEADING.exec(node.name ?? "")?.[1];
    const heading: Placed | undefined = level ? { start: length, end: -1, heading: Number(level) } : undefined;
    if (heading) placed.push(heading);
    (node.children ?? []).forEach(walk);
    if (heading) heading.end = length;
    if (block) write("\n");
    if (node.name && LIST.has(node.name)) lists.pop();
  };
  walk(parseMarkup(html) as unknown as Node);
  const { text, at } = normalize(out.join(""));
  return { text, tables, marks: placed.flatMap((mark) => finalMark(text, at, mark) ?? []) };
}
