import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { DATE_CASES, labelFixtures } from "../../scripts/bench/label-blocks";
import { scoreDateCase, scoreLabelFixture } from "../../scripts/bench/label-scoring";
import { runInvoice } from "../../scripts/bench/invoice-scoring";
import { runExtractor } from "../../src/documents/extractors";
import { extractLabel } from "../../src/documents/extractors/label";
import type { ParsedDocument } from "../../src/documents/model";
import { normalizeValue } from "../../src/documents/normalize";
import { dateEvidence } from "../../src/documents/normalize/date-evidence";
import { layoutPage, type TextPiece } from "../../src/documents/parse/layout";
import { compileDefinition, FieldsInput, PhasesInput } from "../../src/pipeline/definition";

const text = (pages: string[]): ParsedDocument => ({ mime_type: "text/plain", filename: null, pages, tables: [], content_hash: "h" });
const values = (parsed: ParsedDocument, label: string, type: "string" | "date" | "number" = "string", otherLabels?: string[]) =>
  extractLabel(parsed, [label], type, { otherLabels }).map((c) => c.value);

describe("label blocks drawn in PDFs: every label reads only its own value", async () => {
  const fixtures = await labelFixtures([25, 60]);

  it.each(fixtures.map((f) => [f.id, f] as const))("%s", async (_, fixture) => {
    const scores = await scoreLabelFixture(fixture);
    expect(scores.filter((s) => s.outcome !== "correct")).toEqual([]);
  });
});

describe("a value ends where its column ends, on layout text", () => {
  it("stops at a column gap, and reads a label mid-line", () => {
    const parsed = text(["Invoice No: INV-3                                   Date: 03.04.2024\nCustomer: ACME Corp    Ref: 77"]);
    expect(values(parsed, "Invoice No")).toEqual(["INV-3"]);
    expect(values(parsed, "Date", "date")).toEqual(["03.04.2024"]);
    expect(values(parsed, "Customer")).toEqual(["ACME Corp"]);
    expect(values(parsed, "Ref", "number")).toEqual(["77"]);
  });

  it("reads a value below its label in a row of labels, and never another label as a value", () => {
    const parsed = text(["Invoice Number     Invoice Date     Customer\nINV-3              03/04/2024       Blue Ridge LLC\n"]);
    const labels = ["Invoice Number", "Invoice Date", "Customer"];
    expect(values(parsed, "Invoice Number", "string", labels)).toEqual(["INV-3"]);
    expect(values(parsed, "Invoice Date", "date", labels)).toEqual(["03/04/2024"]);
    expect(values(parsed, "Customer", "string", labels)).toEqual(["Blue Ridge LLC"]);
    // Alone, "Invoice Date" is followed by text that is no date: the date below it is read.
    expect(values(parsed, "Invoice Date", "date")).toEqual(["03/04/2024"]);
  });

  it("reads a right-aligned value however far it sits, but not a label of the next column", () => {
    const parsed = text(["Ordernummer:  12572103              Klant:\nTotaal:                      1.234,50\n"]);
    expect(values(parsed, "Ordernummer")).toEqual(["12572103"]);
    expect(values(parsed, "Totaal", "number")).toEqual(["1.234,50"]);
    expect(values(parsed, "Klant")).toEqual([]);
  });

  it("ranks a label inside a phrase after one opening its line, but `all` keeps document order", () => {
    const parsed = text(["Grand Total: 120.00\nTotal: 100.00\n"]);
    expect(values(parsed, "Total", "number")).toEqual(["100.00", "120.00"]);
    expect(runExtractor({ type: "label", labels: ["Total"], all: true }, parsed, "number").map((c) => c.value)).toEqual(["120.00", "100.00"]);
  });

  it("keeps a longer label of another field for that field (Total vs Total Due)", () => {
    const parsed = text(["Total Due: 120.00\nTotal: 100.00\n"]);
    expect(values(parsed, "Total", "number")).toEqual(["120.00", "100.00"]);
    expect(values(parsed, "Total", "number", ["Total Due"])).toEqual(["100.00"]);
  });
});

describe("strings collapse layout spaces unless keep_spacing", () => {
  it("collapses runs of spaces inside a value, and keeps them on request", () => {
    expect(normalizeValue("string", " Ordernummer:  12572103 ")).toEqual({ ok: true, value: "Ordernummer: 12572103" });
    expect(normalizeValue("string", "A  B", { keep_spacing: true })).toEqual({ ok: true, value: "A  B" });
  });

  it("keep_spacing is a string option: a 400 elsewhere", () => {
    const compile = (type: string) => () => compileDefinition({
      fields: v.parse(FieldsInput, [{ name: "a", type, extract: [{ type: "label", labels: ["A"] }], resolve: { keep_spacing: true } }]),
      phases: v.parse(PhasesInput, [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }]),
    });
    expect(compile("string")).not.toThrow();
    expect(compile("number")).toThrow();
  });
});

describe("dates never silently wrong", async () => {
  it.each(DATE_CASES.map((c) => [c.id, c] as const))("%s", async (_, c) => {
    const score = await scoreDateCase(c);
    expect({ outcome: score.outcome, value: score.value }).toEqual(c.date === null ? { outcome: "held", value: null } : { outcome: "correct", value: c.date });
  });

  it("holds an ambiguous date for review with reason ambiguous_date; the reading of a decided one names its evidence", async () => {
    const pipeline = compileDefinition({
      fields: v.parse(FieldsInput, [{ name: "issued", type: "date", extract: [{ type: "label", labels: ["Date"] }] }]),
      phases: v.parse(PhasesInput, [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }]),
    });
    const held = await runInvoice(pipeline, text(["Date: 03/04/2024\n"]));
    expect(held.issued).toMatchObject({ status: "needs_review", value: null, reason: { code: "ambiguous_date" }, meta: { raw: "03/04/2024" } });
    expect(held.issued.reason!.message).toMatch(/2024-04-03 or 2024-03-04/);
    const decided = await runInvoice(pipeline, text(["Date: 03/04/2024\nDue: 25/04/2024\n"]));
    expect(decided.issued).toMatchObject({ status: "completed", value: "2024-04-03" });
    expect(decided.issued.meta.reading).toMatch(/day first.*25\/04\/2024/);
  });

  it("evidence that points both ways decides nothing", () => {
    expect(dateEvidence(["13/01/2024 and 01/13/2024"]).order).toBeNull();
    expect(dateEvidence(["Factuur\nFactuurnummer 7\nVervaldatum"]).order).toBe("day_first");
    expect(dateEvidence(["Invoice\nTotal"]).order).toBeNull();
  });
});

describe("layout text: right-to-left lines and column gaps", () => {
  const piece = (text: string, x: number, y: number, width: number, size = 10): TextPiece => ({ text, x, y, angle: 0, width, size });

  it("reads a right-to-left page in logical order, numbers and Latin kept left to right, boxes on their words", () => {
    // Drawn as a Hebrew invoice prints: words from the right edge leftwards; pdf.js gives each word in logical order.
    const layout = layoutPage([
      piece("מס", 440, 100, 15), piece("חשבונית", 460, 100, 40), piece("INV-7", 380, 100, 30),
      piece("סה״כ", 470, 120, 30), piece("לתשלום", 420, 120, 40), piece("1,234.50", 340, 120, 40), piece("EUR", 320, 120, 16),
    ]);
    const [first, second] = layout.text.split("\n");
    expect(first.trim().split(/\s+/)).toEqual(["חשבונית", "מס", "INV-7"]);
    expect(second.trim().split(/\s+/)).toEqual(["סה״כ", "לתשלום", "EUR", "1,234.50"]);
    const at = layout.text.indexOf("חשבונית");
    const word = [];
    for (let i = 0; i < layout.words.length; i += 6) if (layout.words[i] === at) word.push(...layout.words.slice(i + 2, i + 6));
    expect(word[0]).toBeCloseTo(460, 0);
    expect(word[2]).toBeCloseTo(500, 0);
  });

  it("a gap wider than two spaces is a column gap (two spaces or more), a word space stays one", () => {
    const layout = layoutPage([piece("Invoice", 50, 100, 33), piece("No", 86, 100, 12), piece("INV-3", 104, 100, 26)]);
    expect(layout.text).toBe("Invoice No  INV-3");
  });
});
