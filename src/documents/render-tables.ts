/**
 * Tables found on PDF pages as a reader sees them: in `content?format=markdown` each table in
 * place of the lines it covers (the rest of the page stays fenced layout text), and in
 * `content?format=json` listed with their page (as in the source), box, header and rows.
 */
import type { ParsedDocument, ParsedTable } from "./model";
import { pageLines } from "./tables/lines";

const cell = (text: string) => text.replace(/\s+/g, " ").replace(/[|\\]/g, "\\$&").trim();

export function markdownTable(table: ParsedTable): string {
  const width = Math.max(table.header.length, ...table.rows.map((r) => r.length), 1);
  const row = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cell(cells[i] ?? "")).join(" | ")} |`;
  return [row(table.header), `|${" --- |".repeat(width)}`, ...table.rows.map(row)].join("\n");
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
export function fenced(text: string, info = ""): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}

/** The range of text lines `[from, to)` of its page a detected table covers (the lines whose box centre lies in the table's). */
function coveredLines(parsed: ParsedDocument, table: ParsedTable): [number, number] | null {
  const box = table.bbox;
  if (!box) return null;
  const inside = pageLines(parsed)[table.page ?? 0].filter((line) => {
    const [x, y] = [(line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2];
    return x >= box[0] - 1 && x <= box[2] + 1 && y >= box[1] - 1 && y <= box[3] + 1;
  });
  return inside.length ? [inside[0].index, inside[inside.length - 1].index + 1] : null;
}

/** One PDF page: fenced layout text, with each table found on it as a Markdown table where it stands. */
function pageMarkdown(parsed: ParsedDocument, page: number): string {
  const lines = parsed.pages[page].split("\n");
  const placed = parsed.tables
    .filter((t) => (t.page ?? 0) === page && t.method !== "markup")
    .flatMap((table) => {
      const range = coveredLines(parsed, table);
      return range ? [{ table, range }] : [];
    })
    .sort((a, b) => a.range[0] - b.range[0]);
  const out: string[] = [];
  let at = 0;
  const text = (to: number) => {
    const chunk = lines.slice(at, to).join("\n");
    if (chunk.trim()) out.push(fenced(chunk.replace(/^\n+|\n+$/g, ""), "text"));
  };
  for (const { table, range } of placed) {
    if (range[0] < at) continue;
    text(range[0]);
    out.push(markdownTable(table));
    at = range[1];
  }
  text(lines.length);
  return out.join("\n\n");
}

/** A PDF as Markdown: a `## Page n` heading per page, its tables as Markdown tables, its other text fenced. */
export function pdfMarkdown(parsed: ParsedDocument): string {
  return parsed.pages.map((_, i) => `## Page ${(parsed.page_numbers?.[i] ?? i) + 1}\n\n${pageMarkdown(parsed, i)}`).join("\n\n");
}

/** Tables as `content?format=json` lists them: a detected table's page numbered as in the source. */
export function tablesJson(parsed: ParsedDocument) {
  return parsed.tables.map((table) => (table.page === undefined ? table : { ...table, page: parsed.page_numbers?.[table.page] ?? table.page }));
}
