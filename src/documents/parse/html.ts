import type { ParsedTable, TextMark } from "../model";
import { parseMarkup } from "./markup";

interface Node {
  type: string;
  name?: string;
  data?: string;
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

/** The text's lines as written in it: the first and last line of each structure, for finding it again. */
type Outline = Array<{ heading?: number; table?: number; first: string; last: string }>;

/** Where each outlined heading and table sits in the final text, searched in document order. */
function locate(text: string, outline: Outline): TextMark[] {
  const marks: TextMark[] = [];
  let at = 0;
  for (const { first, last, ...what } of outline) {
    if (!first) continue;
    const start = text.indexOf(first, at);
    const lastAt = start < 0 ? -1 : text.indexOf(last, start);
    if (lastAt < 0) continue;
    at = lastAt + last.length;
    marks.push({ start, end: at, ...what });
  }
  return marks;
}

/**
 * Visible text of an HTML page, block elements on their own lines and table rows as
 * tab-separated lines; every table is also kept as a table for the `table` extractor, and
 * `marks` say where headings and tables sit in the text (for the Markdown rendering).
 */
export function parseHtml(html: string): { text: string; tables: ParsedTable[]; marks: TextMark[] } {
  const tables: ParsedTable[] = [];
  const outline: Outline = [];
  const out: string[] = [];
  const walk = (node: Node) => {
    if (node.type === "text") return void out.push(squash(node.data ?? ""));
    if (node.type !== "tag" && node.type !== "root") return;
    if (node.name && HIDDEN.has(node.name)) return;
    if (node.name === "br") return void out.push("\n"); // a line break inside a block, not a paragraph
    if (node.name === "table") {
      const table = tableOf(node);
      const lines = [table.header, ...table.rows].map((r) => r.join("\t").trim()).filter((line) => line !== "");
      outline.push({ table: tables.length, first: lines[0] ?? "", last: lines[lines.length - 1] ?? "" });
      tables.push(table);
      out.push("\n", [table.header, ...table.rows].map((r) => r.join("\t")).join("\n"), "\n");
      return;
    }
    const level = HEADING.exec(node.name ?? "")?.[1];
    if (level) {
      const lines = textOf(node).split("\n").map((line) => line.trim()).filter((line) => line !== "");
      outline.push({ heading: Number(level), first: lines[0] ?? "", last: lines[lines.length - 1] ?? "" });
    }
    const block = node.name !== undefined && BLOCK.has(node.name);
    if (block) out.push("\n");
    (node.children ?? []).forEach(walk);
    if (block) out.push("\n");
  };
  walk(parseMarkup(html) as unknown as Node);
  const text = out.join("").split("\n").map((line) => line.trim()).filter((line, i, all) => line !== "" || (i > 0 && all[i - 1] !== "")).join("\n").trim();
  return { text, tables, marks: locate(text, outline) };
}
