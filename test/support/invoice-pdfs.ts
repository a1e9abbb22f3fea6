import { drawPdf, type Drawn, type DrawnPage } from "./pdf-layouts";

export interface InvoiceLine {
  description: string;
  qty: number;
  amount: number;
  /** A second description line, drawn under the first. */
  more?: string;
}

const money = (n: number) => n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const COLUMNS = { description: 50, qty: 400, amount: 545 };

/** `count` lines with varied descriptions, quantities and amounts (some above 1,000). */
export const invoiceLines = (count: number): InvoiceLine[] =>
  Array.from({ length: count }, (_, i) => ({ description: `Part ${String.fromCharCode(65 + (i % 26))}-${i} bracket`, qty: (i % 9) + 1, amount: ((i * 7919) % 250_000) / 100 }));

/**
 * An invoice whose line table continues over pages: the header row repeated on every page, a
 * page footer, amounts right-aligned, each page drawn column by column (the content-stream order
 * some producers use), and the subtotal after the last line.
 */
export async function invoicePdf(lines: InvoiceLine[], perPage: number): Promise<Uint8Array> {
  const pages: DrawnPage[] = [];
  const total = lines.reduce((sum, l) => sum + Math.round(l.amount * 100), 0) / 100;
  const pageCount = Math.ceil(lines.length / perPage);
  for (let p = 0; p < pageCount; p++) {
    const items: Drawn[] = [];
    if (p === 0) items.push({ text: "ACME Supplies Ltd", x: 50, y: 800, bold: true, size: 14 }, { text: `Invoice INV-77   Lines: ${lines.length}`, x: 50, y: 782 });
    items.push({ text: "Description", x: COLUMNS.description, y: 760, bold: true }, { text: "Qty", x: COLUMNS.qty, y: 760, bold: true, right: true },
      { text: "Amount", x: COLUMNS.amount, y: 760, bold: true, right: true });
    let y = 742;
    const rows: Array<{ line: InvoiceLine; y: number }> = [];
    for (const line of lines.slice(p * perPage, (p + 1) * perPage)) {
      rows.push({ line, y });
      y -= line.more ? 26 : 14;
    }
    for (const { line, y: at } of rows) {
      items.push({ text: line.description, x: COLUMNS.description, y: at });
      if (line.more) items.push({ text: line.more, x: COLUMNS.description + 10, y: at - 12 });
    }
    for (const { line, y: at } of rows) items.push({ text: String(line.qty), x: COLUMNS.qty, y: at, right: true });
    for (const { line, y: at } of rows) items.push({ text: money(line.amount), x: COLUMNS.amount, y: at, right: true });
    if (p === pageCount - 1) items.push({ text: "Subtotal", x: 50, y: y - 10, bold: true }, { text: money(total), x: COLUMNS.amount, y: y - 10, right: true });
    items.push({ text: `Page ${p + 1} of ${pageCount}`, x: 270, y: 30, size: 8 });
    pages.push({ items });
  }
  return drawPdf(pages);
}
