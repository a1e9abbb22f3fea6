import { describe, expect, it } from "vitest";
import { resolvePointer, extractJsonPointer } from "../../src/documents/extractors/json-pointer";
import { extractLabel } from "../../src/documents/extractors/label";
import { extractRegex } from "../../src/documents/extractors/regex";
import { extractTable } from "../../src/documents/extractors/table";
import type { ParsedDocument } from "../../src/documents/model";

const doc = (pages: string[], extra: Partial<ParsedDocument> = {}): ParsedDocument => ({ mime_type: "text/plain", filename: null, pages, tables: [], content_hash: "h", ...extra });

describe("label", () => {
  const text = "ACME Ltd\nINVOICE  no.: INV-7\nSubtotal: 90.00\nTotal Due: EUR 1.234,50\nIssued on\n\n  3 April 2024\n";

  it("finds the value after a label, tolerant of case, spacing and separators, with its span", () => {
    const [found] = extractLabel(doc([text]), ["Invoice No"], "string");
    expect(found).toMatchObject({ value: "INV-7", confidence: 0.9, provenance: { extractor: "label", page: 0 } });
    expect(text.slice(found.provenance.start, found.provenance.end)).toBe("INV-7");
  });

  it("captures by type: a number after the label, not inside another word", () => {
    const found = extractLabel(doc([text]), ["Total"], "currency");
    expect(found.map((c) => c.value)).toEqual(["EUR 1.234,50"]);
  });

  it("takes the next non-empty line when the label ends its line, with lower confidence", () => {
    const [found] = extractLabel(doc(["cover", text]), ["Issued on"], "date");
    expect(found).toMatchObject({ value: "3 April 2024", confidence: 0.7, provenance: { page: 1 } });
  });

  it("returns nothing when the label is absent or has no value of the type", () => {
    expect(extractLabel(doc([text]), ["Balance"], "number")).toEqual([]);
    expect(extractLabel(doc(["Total: none\n"]), ["Total"], "number")).toEqual([]);
  });

  it("reads a label as literal text, so regex syntax in it is inert and cheap", () => {
    const hostile = `${"a".repeat(40)}!`;
    const started = performance.now();
    expect(extractLabel(doc([hostile]), ["(a+)+$", "(a|aa)*b"], "string")).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(extractLabel(doc(["(a+)+$: 7\n"]), ["(a+)+$"], "number").map((c) => c.value)).toEqual(["7"]);
  });
});

describe("regex", () => {
  it("runs a catastrophic pattern in linear time (RE2)", () => {
    const started = performance.now();
    expect(extractRegex(doc([`${"a".repeat(5000)}!`]), "(a+)+$")).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("takes the first group by default, a named group on request, with exact spans", () => {
    const parsed = doc(["Order A-1 and order B-22"]);
    const found = extractRegex(parsed, "order ([A-Z]-\\d+)", "i");
    expect(found.map((c) => [c.value, c.provenance.start])).toEqual([["A-1", 6], ["B-22", 20]]);
    expect(extractRegex(parsed, "(?<letter>[A-Z])-(?<n>\\d+)", "", "n").map((c) => c.value)).toEqual(["1", "22"]);
    expect(extractRegex(parsed, "\\d+").map((c) => c.value)).toEqual(["1", "22"]);
  });
});

describe("table and json_pointer", () => {
  const parsed = doc(["csv"], { tables: [{ header: ["Number", "Total"], rows: [["C-1", "9.90"], ["C-2", "20"]] }] });

  it("reads a column by name or index, from the first row or a filtered one", () => {
    expect(extractTable(parsed, { column: "total" })[0]).toMatchObject({ value: "9.90", provenance: { extractor: "table", row: 0, column: "Total" } });
    expect(extractTable(parsed, { column: 1, row: { column: "number", equals: "C-2" } })[0].value).toBe("20");
    expect(extractTable(parsed, { column: "missing" })).toEqual([]);
    expect(extractTable(parsed, { column: 0, row: 5 })).toEqual([]);
  });

  it("resolves RFC 6901 pointers with escapes and array indices", () => {
    const json = { "a/b": { "m~n": [10, { x: "y" }] } };
    expect(resolvePointer(json, "/a~1b/m~0n/1/x")).toBe("y");
    expect(resolvePointer(json, "/a~1b/m~0n/01")).toBeUndefined();
    expect(resolvePointer(json, "")).toBe(json);
    expect(extractJsonPointer(doc([""], { json }), "/a~1b/m~0n/0")[0]).toMatchObject({ value: 10, confidence: 1 });
    expect(extractJsonPointer(doc([""]), "/a")).toEqual([]);
  });
});
