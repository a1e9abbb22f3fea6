import { beforeAll, describe, expect, it } from "vitest";
import { detectFormat, unsupportedReason, type FormatHints } from "../../src/documents/detect";
import { parsePageRange, selectPages } from "../../src/documents/page-range";
import { parseCsv, csvTable, sniffDelimiter } from "../../src/documents/parse/csv";
import { parseHtml } from "../../src/documents/parse/html";
import { parseBytes, type ParseOptions } from "../../src/documents/parse";
import { PermanentPhaseError } from "../../src/documents/model";
import { makeEncryptedPdf, makePdf } from "../support/documents";

const utf8 = (text: string) => new TextEncoder().encode(text);
const detect = (content: string | Uint8Array, hints: FormatHints = {}) => {
  const bytes = typeof content === "string" ? utf8(content) : content;
  return detectFormat(bytes, () => new TextDecoder().decode(bytes), hints);
};
const options = (o: Partial<ParseOptions> = {}): ParseOptions => ({ pageRange: null, maxPages: 100, ...o });
const range = (text: string) => {
  const parsed = parsePageRange(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
};
async function parseFailure(bytes: Uint8Array, o: Partial<ParseOptions> = {}) {
  const error = await parseBytes(bytes, options(o)).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentPhaseError);
  return error as PermanentPhaseError;
}

describe("format detection: content first, then the declared type or name", () => {
  it.each<[string, string, FormatHints, string]>([
    ["a PDF, whatever its name", "%PDF-1.7\n…", { filename: "notes.txt", mimeType: "text/plain" }, "pdf"],
    ["an HTML page declared as text", "<!DOCTYPE html><html><body>x</body></html>", { mimeType: "text/plain" }, "html"],
    ["an HTML fragment starting at <body>", "  <body><p>x</p></body>", {}, "html"],
    ["a JSON value without a name", '{"a": 1}', {}, "json"],
    ["JSON declared as CSV", "[1, 2]", { mimeType: "text/csv" }, "json"],
    ["named .json but not JSON", "{not json", { filename: "a.json" }, "text"],
    ["named .pdf but text", "Invoice No: 1", { filename: "a.pdf" }, "text"],
    ["CSV by type", "a;b", { mimeType: "text/csv; charset=utf-8" }, "csv"],
    ["CSV by name under a generic type", "x", { filename: "data.CSV", mimeType: "application/octet-stream" }, "csv"],
    ["CSV by name under Excel's type", "x", { filename: "data.csv", mimeType: "application/vnd.ms-excel" }, "csv"],
    ["CSV by its shape", "number,total\nA-1,9.90\nA-2,3.00\n", {}, "csv"],
    ["semicolon CSV by its shape", "nummer;betrag\nA-1;9,90\n", {}, "csv"],
    ["Markdown by name", "# Title\n\nTotal: 1", { filename: "notes.md" }, "markdown"],
    ["prose with one comma", "Dear Jane, thanks.\nTotal: 4.00", {}, "text"],
    ["a prototype member as extension", "x", { filename: "a.constructor" }, "text"],
    ["JSON by a +json type", "x", { mimeType: "application/ld+json" }, "text"],
  ])("%s", (_what, content, hints, format) => expect(detect(content, hints)).toBe(format));

  it.each<[string, number[], string]>([
    ["PNG", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "images are not supported (no OCR)"],
    ["JPEG", [0xff, 0xd8, 0xff, 0xe0], "images are not supported (no OCR)"],
    ["TIFF", [0x49, 0x49, 0x2a, 0x00], "images are not supported (no OCR)"],
    ["gzip", [0x1f, 0x8b, 0x08, 0x00], "archives are not supported"],
    ["old Office", [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0], "legacy binary Office files (.doc, .xls, .ppt) are not supported"],
    ["other binary", [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00], "binary content is not supported"],
  ])("refuses %s", (_what, bytes, reason) => {
    expect(unsupportedReason(Uint8Array.from(bytes))).toBe(reason);
    expect(() => detect(Uint8Array.from(bytes))).toThrow(reason);
  });

  it("lets UTF-16 text with a byte-order mark through although it holds zero bytes", () => {
    expect(unsupportedReason(Uint8Array.from([0xff, 0xfe, 0x41, 0x00]))).toBeNull();
  });
});

describe("page ranges", () => {
  it.each<[string, Array<[number, number]>]>([
    ["0,2-4", [[0, 0], [2, 4]]],
    [" 1 - 3 , 5 ", [[1, 3], [5, 5]]],
    ["7", [[7, 7]]],
  ])("%j parses", (text, expected) => expect(parsePageRange(text)).toEqual(expected));

  it.each(["", "a", "-1", "1,,2", "1-", "0;1", "3-1"])("%j is refused with a message", (text) => expect(typeof parsePageRange(text)).toBe("string"));

  it("selects existing pages in order without repeats", () => {
    expect(selectPages(null, 3)).toEqual([0, 1, 2]);
    expect(selectPages(range("4,0-1,1-2,9"), 5)).toEqual([0, 1, 2, 4]);
    expect(selectPages(range("5-9"), 3)).toEqual([]);
  });
});

describe("CSV", () => {
  it("reads quotes, doubled quotes, CRLF and embedded newlines, and skips blank lines", () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n1,"two\nlines",3\n\n')).toEqual([["a", "b, c", 'say "hi"'], ["1", "two\nlines", "3"]]);
  });

  it("finds the delimiter from the header, ignoring quoted ones", () => {
    expect(sniffDelimiter('"a,b";c;d\n1;2;3')).toBe(";");
    expect(sniffDelimiter("a\tb\tc\n")).toBe("\t");
    expect(sniffDelimiter("just one column\n")).toBe(",");
    expect(csvTable(" number ;total\nA-1;9,90\n")).toEqual({ header: ["number", "total"], rows: [["A-1", "9,90"]] });
  });
});

describe("HTML", () => {
  it("keeps visible text, blocks as paragraphs, and every table as a table", () => {
    const { text, tables } = parseHtml(`<html><head><title>T</title><style>p{}</style></head><body>
      <script>var total = "Total: 999";</script><h1>Order&nbsp;O-7</h1><p>Customer: <b>Jane</b> Roe<br>Ref: R&amp;D</p>
      <table><thead><tr><th>Item</th><th>Amount</th></tr></thead><tbody><tr><td>Widget</td><td> 12,50 </td></tr></tbody></table></body></html>`);
    expect(text).toBe("Order O-7\n\nCustomer: Jane Roe\nRef: R&D\n\nItem\tAmount\nWidget\t12,50");
    expect(tables).toEqual([{ header: ["Item", "Amount"], rows: [["Widget", "12,50"]] }]);
  });
});

describe("parseBytes", () => {
  let threePages: Uint8Array;
  beforeAll(async () => {
    threePages = await makePdf([["Invoice No: P-1"], ["Total: 10.00"], ["Total: 30.00"]]);
  });

  it("reads only the PDF pages in the range and numbers them as in the source", async () => {
    const parsed = await parseBytes(threePages, options({ pageRange: range("0,2-9") }));
    expect(parsed).toMatchObject({ mime_type: "application/pdf", pages: ["Invoice No: P-1", "Total: 30.00"], page_numbers: [0, 2] });
  });

  it("ends a document whose range selects nothing, too many pages, or a PDF without text", async () => {
    const none = await parseFailure(threePages, { pageRange: range("5-7") });
    expect([none.code, none.message]).toEqual(["page_range_empty", "page_range selects none of the document's 3 pages (pages are zero-based)"]);
    expect((await parseFailure(threePages, { maxPages: 2 })).code).toBe("too_many_pages");
    expect((await parseFailure(await makePdf([[], []]))).code).toBe("no_text");
    expect((await parseFailure(utf8("<html><body>x</body></html>"), { pageRange: range("1") })).code).toBe("page_range_empty");
  });

  it("ends an encrypted or broken PDF with its reason", async () => {
    expect((await parseFailure(await makeEncryptedPdf())).code).toBe("encrypted_pdf");
    expect((await parseFailure(utf8("%PDF-1.7\nnot really a pdf"))).code).toBe("invalid_pdf");
  });

  it("splits text pages at form feeds and keeps CSV tables and JSON values", async () => {
    expect(await parseBytes(utf8("one\ftwo\fthree"), options({ pageRange: range("1-2") }))).toMatchObject({ pages: ["two", "three"], page_numbers: [1, 2], tables: [] });
    expect(await parseBytes(utf8("number,total\nC-1,9.90\n"), options({ filename: "x.csv" }))).toMatchObject({ mime_type: "text/csv", tables: [{ header: ["number", "total"], rows: [["C-1", "9.90"]] }] });
    expect(await parseBytes(utf8('{"invoice":{"total":4.5}}'), options())).toMatchObject({ mime_type: "application/json", json: { invoice: { total: 4.5 } } });
  });

  it("decodes a declared charset or a UTF-16 byte-order mark, and refuses undecodable text", async () => {
    const latin1 = Uint8Array.from([0x43, 0x61, 0x66, 0xe9]);
    expect((await parseBytes(latin1, options({ mimeType: "text/plain; charset=ISO-8859-1" }))).pages).toEqual(["Café"]);
    const utf16 = Uint8Array.from([0xff, 0xfe, ...[..."Hi"].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect((await parseBytes(utf16, options())).pages).toEqual(["Hi"]);
    const error = await parseFailure(latin1);
    expect([error.code, error.message]).toEqual(["unsupported_format", "content is not utf-8 text"]);
  });
});
