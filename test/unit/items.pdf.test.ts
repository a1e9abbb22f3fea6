import { describe, expect, it } from "vitest";
import { runItemExtractor } from "../../src/documents/extractors/items";
import { parseBytes } from "../../src/documents/parse";
import type { Extractor } from "../../src/pipeline/definition";
import type { ParsedDocument } from "../../src/pipeline/types";
import { invoiceLines, invoicePdf, type InvoiceLine } from "../support/invoice-pdfs";

const parse = async (bytes: Uint8Array) =>
  ({ ...(await parseBytes(bytes, { filename: "invoice.pdf", mimeType: null, pageRange: null, maxPages: 100 })), content_hash: "h" }) as ParsedDocument;
const run = (extractor: unknown, parsed: ParsedDocument) => runItemExtractor(extractor as Extractor, parsed, "description");
const shown = (items: ReturnType<typeof run>) => items.map((i) => [i.cells.description?.value, i.cells.qty?.value, i.cells.amount?.value]);
const expected = (lines: InvoiceLine[]) =>
  lines.map((l) => [l.more ? `${l.description} ${l.more}` : l.description, String(l.qty), l.amount.toLocaleString("en-US", { minimumFractionDigits: 2 })]);

const TABLE = { type: "table", columns: { description: "Description", qty: "Qty", amount: "Amount" }, skip: "^Subtotal" };
const ROWS = {
  type: "rows", start: "^\\s*Description\\s+Qty\\s+Amount", end: "^\\s*Subtotal",
  line: "^\\s*(?P<description>\\S.*?)\\s{2,}(?P<qty>\\d+)\\s{2,}(?P<amount>[\\d,]+\\.\\d\\d)\\s*$", continuation: "^ {2,8}(\\S.*)$", // indented a little: page footers sit further right
};

describe("line items from PDFs (layout text)", () => {
  it("reads a table continued over pages with its header repeated, every cell with page and box", async () => {
    const lines = invoiceLines(30);
    const parsed = await parse(await invoicePdf(lines, 12));
    expect(parsed.pages).toHaveLength(3);
    const items = run(TABLE, parsed);
    expect(shown(items)).toEqual(expected(lines));
    const last = items[29].cells.amount.provenance;
    expect(last).toMatchObject({ extractor: "table", page: 2, item_index: 29, column: "Amount" });
    expect(parsed.pages[2].slice(last.start, last.end)).toBe(expected(lines)[29][2]);
    expect(last.bbox).toHaveLength(4);
    expect(last.bbox![2]).toBeCloseTo(545, 0);
  });

  it("joins multi-line descriptions with rows + continuation, across page breaks", async () => {
    const lines = invoiceLines(14).map((l, i) => (i % 4 === 1 ? { ...l, more: `lot ${i} zinc plated` } : l));
    const parsed = await parse(await invoicePdf(lines, 6));
    const items = run(ROWS, parsed);
    expect(shown(items)).toEqual(expected(lines));
    expect(items[1].text).toMatch(/\nlot 1 zinc plated$/);
  });

  it("yields all 2,000 items of a 40-page invoice", { timeout: 60_000 }, async () => {
    const lines = invoiceLines(2000);
    const parsed = await parse(await invoicePdf(lines, 50));
    expect(parsed.pages).toHaveLength(40);
    const want = expected(lines);
    for (const extractor of [TABLE, ROWS]) {
      const found = shown(run(extractor, parsed));
      const wrong = found.findIndex((item, i) => JSON.stringify(item) !== JSON.stringify(want[i]));
      expect({ count: found.length, wrong, at: found[wrong] ?? null }).toEqual({ count: 2000, wrong: -1, at: null });
    }
  });
});
