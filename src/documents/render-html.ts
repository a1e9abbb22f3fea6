import { documentBlocks, type Block } from "./blocks";
import type { ParsedDocument, ParsedTable } from "./model";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(t: ParsedTable): string {
  const row = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${escape(c)}</${tag}>`).join("")}</tr>`;
  return `<table><thead>${row(t.header, "th")}</thead><tbody>${t.rows.map((r) => row(r, "td")).join("")}</tbody></table>`;
}

const lineBreaks = (text: string) => text.split("\n").map((line) => line.trim()).filter((line) => line !== "").map(escape).join("<br>");

/** A list with its nesting: a deeper item opens a list inside the item before it. */
function list(items: NonNullable<Block["items"]>): string {
  const open: string[] = [];
  let html = "";
  for (const item of items) {
    while (open.length > item.depth + 1) html += `</li></${open.pop()}>`;
    if (open.length === item.depth + 1) html += "</li>";
    while (open.length < item.depth + 1) {
      const tag = item.ordered ? "ol" : "ul";
      html += item.ordered && item.number !== 1 ? `<ol start="${item.number}">` : `<${tag}>`;
      open.push(tag);
    }
    html += `<li>${lineBreaks(item.text)}`;
  }
  while (open.length) html += `</li></${open.pop()}>`;
  return html;
}

function block(b: Block): string {
  if (b.type === "table" && b.table) return table(b.table);
  if (b.type === "heading") return `<h${b.level ?? 1}>${escape(b.text)}</h${b.level ?? 1}>`;
  if (b.type === "list" && b.items) return list(b.items);
  return `<p>${lineBreaks(b.text)}</p>`;
}

/**
 * A sanitised HTML page built from the document model, never from the source's markup: every text is
 * escaped, no script, style, link or image exists to carry a reference out, and the page's own policy
 * forbids loading anything. One `<section>` per page; headers, footers and notes in `<aside>`s.
 */
export function renderHtml(parsed: ParsedDocument): string {
  const blocks = documentBlocks(parsed);
  const sections = parsed.pages.map((_, page) => {
    const info = parsed.page_info?.[page];
    const number = (parsed.page_numbers?.[page] ?? page) + 1;
    const name = info?.name ? `<h2 class="page-name">${escape(info.name)}</h2>` : "";
    const asides = (parsed.asides ?? []).filter((a) => a.page === page)
      .map((a) => `<aside class="${a.kind}"><p>${a.text.split("\n").map(escape).join("<br>")}</p></aside>`).join("");
    const body = blocks.filter((b) => b.page === page).map(block).join("\n");
    return `<section data-page="${number}">${name}\n${body}${asides}</section>`;
  });
  const title = escape(parsed.filename ?? "document");
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'">`
    + `<title>${title}</title></head>\n<body>\n${sections.join("\n")}\n</body></html>\n`;
}
