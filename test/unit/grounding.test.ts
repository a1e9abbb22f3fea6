import { describe, expect, it } from "vitest";
import { fuzzyBound, groundAnswer, locateQuote, valueInQuote } from "../../src/documents/grounding";
import { MAX_REQUEST_TEXT, pageChunks, readAnswer } from "../../src/documents/llm-request";
import type { ParsedDocument } from "../../src/documents/model";

const page = "Rechnung Nr. 2026-114\nLieferdatum:   3. März 2026\nGesamtbetrag      EUR 1.234,50\nZahlbar bis 17.04.2026 ohne Abzug";

describe("locateQuote", () => {
  it.each([
    ["Gesamtbetrag      EUR 1.234,50", "exact", 0],
    ["gesamtbetrag EUR 1.234,50", "folded", 0],
    ["Gesamtbetrag EUR 1.234,5O", "fuzzy", 1],
    ["Gesamtbetrg EUR 1.23,50", "fuzzy", 2],
  ])("finds %j (%s)", (quote, kind, distance) => {
    const match = locateQuote(page, quote)!;
    expect(match).toMatchObject({ kind, distance });
    expect(page.slice(match.start, match.end)).toMatch(/^Gesamtbetrag\s+EUR 1\.234,5/);
  });

  it.each([
    ["a short quote (under 12 characters) with one edit", "1.234,59"],
    ["more edits than the bound allows", "Gesamtsumme USD 9.876,50"],
    ["text that is not there", "Globex Corporation, Springfield"],
  ])("refuses %s", (_why, quote) => {
    expect(locateQuote(page, quote)).toBeNull();
  });

  it("bounds fuzzy matches to 10 % of the quote, at most 12 edits", () => {
    expect([fuzzyBound(12), fuzzyBound(25), fuzzyBound(400)]).toEqual([1, 2, 12]);
  });
});

describe("valueInQuote reads the value with the field's normaliser", () => {
  it.each([
    ["currency", "Gesamtbetrag EUR 1.234,50", "1234.50", "EUR 1.234,50"],
    ["number", "Gesamtbetrag EUR 1.234,50", "1,234.5", "EUR 1.234,50"],
    ["date", "Zahlbar bis 17.04.2026 ohne Abzug", "2026-04-17", "17.04.2026"],
    ["date", "Lieferdatum: 3. März 2026", "2026-03-03", "3. März 2026"],
    ["string", "Rechnung Nr. 2026-114", "2026-114", "2026-114"],
  ] as const)("%s %j holds %j", (type, quote, value, read) => {
    const span = valueInQuote(type, quote, value, type === "date" ? { day_first: true } : {})!;
    expect(quote.slice(...span)).toBe(read);
  });

  it.each([
    ["currency", "Gesamtbetrag EUR 1.234,50", "0"],
    ["date", "Zahlbar bis 17.04.2026", "2026-04-18"],
    ["string", "Rechnung Nr. 2026-114", "2026-115"],
  ] as const)("%s %j does not hold %j", (type, quote, value) => {
    expect(valueInQuote(type, quote, value, { day_first: true })).toBeNull();
  });
});

describe("groundAnswer", () => {
  const parsed = { pages: ["Cover page", page], page_numbers: [4, 5], content_hash: "h" } as unknown as ParsedDocument;

  it("finds the quote on another page than the model named, with the source's page numbering left to the caller", () => {
    const grounded = groundAnswer(parsed, [0, 1], { value: "17.04.2026", quote: "Zahlbar bis 17.04.2026", page: 4 }, "date", { day_first: true });
    expect(grounded).toMatchObject({ grounded: true, candidate: { value: "17.04.2026", provenance: { extractor: "llm", page: 1 } } });
  });

  it("says why an answer cannot be released", () => {
    expect(groundAnswer(parsed, [0, 1], { value: "1", quote: "Total 1", page: 5 }, "number", {})).toMatchObject({ grounded: false, code: "ungrounded" });
    expect(groundAnswer(parsed, [0, 1], { value: "99", quote: "EUR 1.234,50", page: 5 }, "number", {}))
      .toMatchObject({ grounded: false, code: "value_not_in_quote" });
    // A page the field may not read does not ground it.
    expect(groundAnswer(parsed, [0], { value: "17.04.2026", quote: "Zahlbar bis 17.04.2026", page: 5 }, "date", {})).toMatchObject({ grounded: false });
  });
});

describe("readAnswer validates whatever the server sent", () => {
  const fields = [{ name: "total", type: "number" as const, description: null, pages: [0] }];
  it.each([
    ['{"total": {"value": "1", "quote": "1"', /not JSON/],
    ['{"other": {}}', /breaks the schema at total/],
    ['{"total": {"value": {"x": 1}, "quote": null, "page": null}}', /breaks the schema at total.value/],
  ])("refuses %s", (content, message) => {
    const read = readAnswer(content, fields);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.message).toMatch(message);
  });

  it("accepts a number value as text", () => {
    expect(readAnswer('{"total": {"value": 12.5, "quote": "12.50", "page": 0}}', fields)).toEqual({ ok: true, answers: { total: { value: "12.5", quote: "12.50", page: 0 } } });
  });
});

describe("line items in a model answer", () => {
  const lines = { name: "lines", type: "string" as const, description: null, pages: [0], columns: [{ name: "amount", type: "number" as const }] };
  it("takes a list of items, each column {value, quote, page}, and refuses an item missing a column", () => {
    const item = { amount: { value: "10.00", quote: "Bolts 10.00", page: 0 } };
    expect(readAnswer(JSON.stringify({ lines: [item, item] }), [lines])).toEqual({ ok: true, answers: { lines: [item, item] } });
    const broken = readAnswer(JSON.stringify({ lines: [item, {}] }), [lines]);
    expect(!broken.ok && broken.message).toMatch(/breaks the schema at lines.1.amount/);
    expect(readAnswer(JSON.stringify({ lines: item }), [lines]).ok).toBe(false);
  });

  it("cuts the pages into chunks of at most MAX_REQUEST_TEXT characters, a longer page alone", () => {
    const third = "x".repeat(MAX_REQUEST_TEXT / 3 + 1);
    const parsed = { pages: [third, third, third, "x".repeat(MAX_REQUEST_TEXT * 2), "short"] } as ParsedDocument;
    expect(pageChunks(parsed, [{ ...lines, pages: [0, 1, 2, 3, 4] }])).toEqual([[0, 1], [2], [3], [4]]);
    expect(pageChunks(parsed, [{ ...lines, pages: [4] }])).toEqual([[4]]);
  });
});
