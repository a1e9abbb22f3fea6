import { describe, expect, it } from "vitest";
import { displayName } from "../../src/web/cells";
import { PageView, pageIndex, spanContext, type EvidenceProvenance, type ParsedEvidence } from "../../src/web/evidence";

const render = async (node: unknown) => String(await (node as { toString(): string | Promise<string> }).toString());
const boxOf = (html: string) => {
  const m = /<rect class="box" data-candidate-box="[^"]*" x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)" height="([\d.-]+)"/.exec(html);
  return m ? m.slice(1).map(Number) : undefined;
};

describe("review evidence", () => {
  it("maps a source page number to its parsed page under a page range", () => {
    expect(pageIndex({ pages: ["a", "b"], page_numbers: [4, 7] }, 7)).toBe(1);
    expect(pageIndex({ pages: ["a", "b"], page_numbers: [4, 7] }, 5)).toBe(-1);
    expect(pageIndex({ pages: ["a", "b"] }, 1)).toBe(1);
  });

  it("cuts the text around the span, marking where it was shortened", () => {
    const text = `${"x".repeat(400)}Total: 42.00${"y".repeat(400)}`;
    const part = spanContext(text, 407, 412);
    expect(part.span).toBe("42.00");
    expect(part.before.startsWith("…")).toBe(true);
    expect(part.after.endsWith("…")).toBe(true);
    expect(spanContext("Total: 1", 7, 8)).toEqual({ before: "Total: ", span: "1", after: "" });
  });

  it("draws the stored bbox over the stored word boxes when the parse has them (PDF points, top-left origin)", async () => {
    const parsed: ParsedEvidence = {
      mime_type: "application/pdf", filename: "a.pdf", pages: ["Total: 42.00"],
      words: [[0, 6, 50, 60, 85, 72, 7, 12, 90, 60, 118, 72]], // start, end, x0, y0, x1, y1 per word
    };
    const provenance: EvidenceProvenance = { extractor: "label", page: 0, start: 7, end: 12, bbox: [90, 60, 118, 72] };
    const html = await render(PageView({ parsed, provenance }));
    expect(html).toContain('viewBox="-10 -10 632 812"'); // at least a Letter page
    expect(boxOf(html)).toEqual([90, 60, 28, 12]);
    expect(html).toContain(">42.00</text>");
    expect(html).toContain(">Total:</text>");
    // Without a stored bbox the span's own words give the box.
    const fromSpan = await render(PageView({ parsed, provenance: { extractor: "label", page: 0, start: 7, end: 12 } }));
    expect(boxOf(fromSpan)).toEqual([90, 60, 28, 12]);
  });

  it("without word boxes, lays the layout-faithful text on a grid and boxes the span's characters", async () => {
    const parsed: ParsedEvidence = { mime_type: "application/pdf", pages: ["ACME\nTotal: 42.00"] };
    const html = await render(PageView({ parsed, provenance: { extractor: "label", page: 0, start: 12, end: 17 } }));
    // line 2 (y 13..26), columns 7..12 of 6 units each, padded by 2 units
    expect(boxOf(html)).toEqual([40, 12, 34, 16]);
    expect(PageView({ parsed, provenance: { extractor: "label", page: 3 } })).toBeNull();
  });

  it("names a run without a name in words", () => {
    expect(displayName("run 2026-11-29T18:44:05.691Z (data product)")).toBe("Untitled table (run of 29 Nov 2026)");
    expect(displayName("Q3 invoices")).toBe("\u2068Q3 invoices\u2069"); // isolated for titles and headings (#27)
    expect(displayName("a\u202Eb")).toBe("\u2068ab\u2069");
  });
});
