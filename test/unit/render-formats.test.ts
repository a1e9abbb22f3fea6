import { beforeAll, describe, expect, it } from "vitest";
import type { ParsedDocument } from "../../src/documents/model";
import { parseBytes } from "../../src/documents/parse";
import { renderMarkdown, renderText } from "../../src/documents/render";
import { CHUNK_CHARS, renderChunks } from "../../src/documents/render-chunks";
import { renderHtml } from "../../src/documents/render-html";
import { makePdf } from "../support/documents";
import { invoiceDocx, invoicePptx, TERMS_STEPS, termsDocx, workbookXlsx } from "../support/office-fixtures";

const parse = async (bytes: Uint8Array): Promise<ParsedDocument> => ({ ...(await parseBytes(bytes, { pageRange: null, maxPages: 100 })), content_hash: "h" });
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("output formats for every input format", () => {
  const docs: Record<string, ParsedDocument> = {};
  beforeAll(async () => {
    docs.docx = await parse(await invoiceDocx());
    docs.pptx = await parse(await invoicePptx());
    docs.xlsx = await parse(await workbookXlsx());
    docs.pdf = await parse(await makePdf([["Invoice No: INV-1", "", "Total: 9.00"]]));
    docs.html = await parse(utf8('<html><body><h1>Offer</h1><script>alert(1)</script><img src="https://evil.example/x.png"><p onclick="x()">Price &lt;b&gt; 5</p></body></html>'));
    docs.text = await parse(utf8("Invoice No: INV-3\n\nTotal: 1.00"));
  });

  it("markdown shows Office tables as Markdown tables and headings as headings", () => {
    const docx = renderMarkdown(docs.docx);
    expect(docx).toContain("# Invoice\n");
    expect(docx).toContain("## Terms");
    expect(docx).toContain("| Description | Qty | Amount |\n| --- | --- | --- |\n| Steel bracket | 4 | 12.50 |");
    const xlsx = renderMarkdown(docs.xlsx);
    expect(xlsx).toContain("## Invoices\n\n| Number | Customer | Amount | Issued | Paid |");
    expect(xlsx).toContain("## Rates\n\n| Currency | Rate |\n| --- | --- |\n| USD | 1.08 |");
    expect(renderMarkdown(docs.pptx)).toContain("| Hex bolt M8 | 100 | 0.35 |");
  });

  it("html is built from the model: text escaped, no script, handler or external resource survives", () => {
    for (const doc of Object.values(docs)) {
      const html = renderHtml(doc);
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).not.toMatch(/<script|onclick|https?:\/\/|<img|<link|<style/i);
    }
    expect(renderHtml(docs.html)).toContain("<h1>Offer</h1>");
    expect(renderHtml(docs.html)).toContain("Price &#60;b&#62; 5");
    expect(renderHtml(docs.docx)).toContain("<th>Description</th>");
    expect(renderHtml(docs.docx)).toContain('<aside class="header">');
    expect(renderHtml(docs.pptx)).toContain('<aside class="notes">');
  });

  it("chunks are typed blocks in reading order with spans into the page text (and boxes on PDFs)", () => {
    const docx = renderChunks(docs.docx);
    expect(docx.map((c) => c.type)).toEqual(["heading", "paragraph", "paragraph", "table", "paragraph", "heading", "paragraph"]);
    for (const chunk of docx.filter((c) => c.type !== "table")) {
      expect(docs.docx.pages[chunk.page].slice(chunk.span[0], chunk.span[1]).trim()).toBe(chunk.text);
    }
    const pdf = renderChunks(docs.pdf);
    expect(pdf.length).toBeGreaterThan(0);
    expect(pdf.every((c) => c.bbox && c.bbox.length === 4)).toBe(true);
    expect(renderChunks(docs.xlsx).map((c) => [c.page, c.type])).toEqual([[0, "table"], [1, "table"]]);
    expect(renderChunks(docs.text).map((c) => c.text)).toEqual(["Invoice No: INV-3", "Total: 1.00"]);
  });

  it("chunks stay within the bound: a long paragraph is cut with overlap, a long table between rows", async () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(" ");
    const chunks = renderChunks(await parse(utf8(words)));
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c.text.length <= CHUNK_CHARS)).toBe(true);
    expect(chunks[1].span[0]).toBeLessThan(chunks[0].span[1]);
    const big = await parse(await workbookXlsx(300));
    const tables = renderChunks(big).filter((c) => c.page === 0);
    expect(tables.length).toBeGreaterThan(2);
    expect(tables.every((c) => c.text.length <= CHUNK_CHARS && c.text.startsWith("| Number |"))).toBe(true);
  });

  it("lists: Word's numbered and bulleted lists and HTML's ol/ul are list chunks and Markdown lists, nesting kept", async () => {
    const docx = await parse(await termsDocx());
    expect(renderChunks(docx).map((c) => c.type)).toEqual(["heading", "paragraph", "list", "paragraph", "list", "paragraph"]);
    const [steps, methods] = renderChunks(docx).filter((c) => c.type === "list");
    expect(steps.text).toBe(TERMS_STEPS.map((step, i) => `${i + 1}. ${step}`).join("\n"));
    expect(methods.text).toBe("- Bank transfer\n  - SEPA credit transfer only\n- Card payment");
    // The span covers the items in the page text extractors search.
    expect(docx.pages[0].slice(...steps.span)).toMatch(new RegExp(`^${TERMS_STEPS[0]}[\\s\\S]*${TERMS_STEPS[2].replace(".", "\\.")}$`));
    expect(renderMarkdown(docx)).toContain(`as follows.\n\n1. ${TERMS_STEPS[0]}\n2. ${TERMS_STEPS[1]}\n3. ${TERMS_STEPS[2]}\n\nWe accept:\n\n- Bank transfer\n`);
    expect(renderHtml(docx)).toContain("<ul><li>Bank transfer<ul><li>SEPA credit transfer only</li></ul></li><li>Card payment</li></ul>");

    const html = await parse(utf8('<html><body><ol start="4"><li>Yes</li><li>Sign <b>here</b><br>and date</li></ol><p>Yes</p><ul><li>Yes</li></ul></body></html>'));
    expect(renderMarkdown(html)).toBe("4. Yes\n5. Sign here\n   and date\n\nYes\n\n- Yes");
    expect(renderChunks(html).map((c) => [c.type, c.text])).toEqual([["list", "4. Yes\n5. Sign here\n   and date"], ["paragraph", "Yes"], ["list", "- Yes"]]);
  });

  it("a long list is cut between items, each chunk within the bound and spanning its own items", async () => {
    const items = Array.from({ length: 400 }, (_, i) => `<li>Delivery note ${i + 1}: pallet of hex bolts</li>`).join("");
    const parsed = await parse(utf8(`<html><body><ol>${items}</ol></body></html>`));
    const chunks = renderChunks(parsed);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.type === "list" && c.text.length <= CHUNK_CHARS)).toBe(true);
    expect(chunks.flatMap((c) => c.text.split("\n"))).toEqual(Array.from({ length: 400 }, (_, i) => `${i + 1}. Delivery note ${i + 1}: pallet of hex bolts`));
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].span[0]).toBeGreaterThan(chunks[i - 1].span[1]);
    expect(chunks[chunks.length - 1].text.endsWith("400. Delivery note 400: pallet of hex bolts")).toBe(true);
  });

  it("text is the page texts extractors search", () => {
    expect(renderText(docs.docx).split("\f")).toEqual(docs.docx.pages);
  });
});
