import ExcelJS from "exceljs";
import { zipSync, strToU8 } from "fflate";
import { runExtractor } from "../../src/documents/extractors";
import { runItemExtractor } from "../../src/documents/extractors/items";
import { beforeAll, describe, expect, it } from "vitest";
import { extractLabel } from "../../src/documents/extractors/label";
import { extractTable } from "../../src/documents/extractors/table";
import { extractItemTable } from "../../src/documents/extractors/item-table";
import { PermanentPhaseError, type ParsedDocument } from "../../src/documents/model";
import { parseBytes, type ParseOptions } from "../../src/documents/parse";
import { parsePageRange, type PageRange } from "../../src/documents/page-range";
import {
  ITEMS, invoiceDocx, invoiceEml, invoiceMsg, invoicePptx, longSheetXlsx, workbookXlsx, zipBombDocx, type MsgFixture,
} from "../support/office-fixtures";
import { makePdf } from "../support/documents";

const options = (o: Partial<ParseOptions> = {}): ParseOptions => ({ pageRange: null, maxPages: 100, ...o });
const parse = async (bytes: Uint8Array, o: Partial<ParseOptions> = {}): Promise<ParsedDocument> => ({ ...(await parseBytes(bytes, options(o))), content_hash: "h" });
async function failure(bytes: Uint8Array, o: Partial<ParseOptions> = {}) {
  const error = await parseBytes(bytes, options(o)).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentPhaseError);
  return error as PermanentPhaseError;
}
const labelled = (doc: ParsedDocument, label: string) => extractLabel(doc, [label], "string")[0]?.value;
const itemsOf = (doc: ParsedDocument) =>
  extractItemTable(doc, { columns: { description: "Description", qty: "Qty", amount: "Amount" } } as never).map((i) => ({
    description: i.cells.description.value, qty: Number(i.cells.qty.value), amount: Number(i.cells.amount.value),
  }));

describe("Word (DOCX)", () => {
  let doc: ParsedDocument;
  beforeAll(async () => (doc = await parse(await invoiceDocx("INV-2041"), { filename: "invoice.bin", mimeType: "application/octet-stream" })));

  it("is told by its content, one page per explicit page break, fields found by their labels", () => {
    expect(doc.mime_type).toContain("wordprocessingml");
    expect(doc.pages).toHaveLength(2);
    expect(labelled(doc, "Invoice No")).toBe("INV-2041");
    expect(labelled(doc, "Total")).toBe("242.00 EUR");
    expect(doc.pages[1]).toContain("Payment due within 30 days.");
  });

  it("reads the items table as a table, every item", () => {
    expect(doc.tables[0].header).toEqual(["Description", "Qty", "Amount"]);
    expect(itemsOf(doc)).toEqual(ITEMS);
  });

  it("keeps headings as marks and the running header and footer apart from the body", () => {
    const headings = (doc.marks ?? []).filter((m) => m.heading).map((m) => [m.page, m.heading, doc.pages[m.page ?? 0].slice(m.start, m.end)]);
    expect(headings).toEqual([[0, 1, "Invoice"], [1, 2, "Terms"]]);
    expect(doc.asides?.map((a) => [a.kind, a.text]).sort()).toEqual([["footer", "Registered in Leeds"], ["header", "ACME Supplies Ltd — confidential"]]);
    expect(doc.pages.join("\n")).not.toContain("Registered in Leeds");
  });

  it("honours page_range", async () => {
    const second = await parse(await invoiceDocx(), { pageRange: parsePageRange("1") as PageRange });
    expect(second.pages).toEqual([expect.stringContaining("Terms")]);
    expect(second.page_numbers).toEqual([1]);
    expect(second.tables).toEqual([]);
  });
});

describe("PowerPoint (PPTX)", () => {
  let doc: ParsedDocument;
  beforeAll(async () => (doc = await parse(await invoicePptx())));

  it("is one page per slide in order, frames in reading order (by position, not by the order they were added)", () => {
    expect(doc.pages).toHaveLength(3);
    expect(doc.page_info?.map((p) => p.source)).toEqual(["slide", "slide", "slide"]);
    const slide = doc.pages[1];
    expect(slide.indexOf("Invoice No: INV-2041")).toBeLessThan(slide.indexOf("Steel bracket"));
    expect(slide.indexOf("Steel bracket")).toBeLessThan(slide.indexOf("Total: 242.00 EUR"));
    expect(labelled(doc, "Invoice No")).toBe("INV-2041");
  });

  it("reads the slide table as a table on its slide, every item", () => {
    expect(doc.tables).toHaveLength(1);
    expect(doc.tables[0].page).toBe(1);
    expect(itemsOf(doc)).toEqual(ITEMS);
  });

  it("keeps speaker notes apart", () => {
    expect(doc.asides).toEqual([{ page: 0, kind: "notes", text: "Do not read the totals aloud." }]);
    expect(doc.pages.join("\n")).not.toContain("totals aloud");
  });

  it("refuses more slides than MAX_PAGES before reading them", async () => {
    expect((await failure(await invoicePptx(12), { maxPages: 10 })).code).toBe("too_many_pages");
  });
});

describe("Excel (XLSX)", () => {
  let doc: ParsedDocument;
  beforeAll(async () => (doc = await parse(await workbookXlsx())));

  it("is one page per sheet, sheet names kept, each used range a table under its detected header row", () => {
    expect(doc.page_info).toEqual([{ source: "sheet", name: "Invoices" }, { source: "sheet", name: "Rates" }]);
    expect(doc.tables.map((t) => [t.sheet, t.origin, t.header])).toEqual([
      ["Invoices", "A2", ["Number", "Customer", "Amount", "Issued", "Paid"]],
      ["Rates", "A1", ["Currency", "Rate"]],
    ]);
    expect(doc.pages[0].split("\n")[0]).toBe("Invoices November");
  });

  it("keeps cells typed: numbers, dates, booleans and a formula's cached result", () => {
    expect(doc.tables[0].typed).toEqual([
      ["INV-1", "Globex", 120.5, "2026-11-03", true],
      ["INV-2", "Initech", 99, "2026-11-17", false],
      ["Total", null, 219.5, null, null],
    ]);
    expect(doc.tables[1].typed).toEqual([["USD", 1.08], ["GBP", 0.86]]);
  });

  it("cites the cell a value came from", () => {
    const [found] = extractTable(doc, { column: "Amount", row: { column: "Number", equals: "INV-2" } });
    expect(found).toMatchObject({ value: "99", provenance: { sheet: "Invoices", cell: "C4", page: 0 } });
    const [rate] = extractTable(doc, { table: 1, column: "Rate", row: 1 });
    expect(rate.provenance).toMatchObject({ sheet: "Rates", cell: "B3", page: 1 });
  });

  it("fills a merged area's value into every cell it covers", async () => {
    const merged = doc.pages[0];
    expect(merged.match(/Invoices November/g)).toHaveLength(1); // the page text shows it once
  });
});

describe("e-mail (EML)", () => {
  let doc: ParsedDocument;
  let pdfs: Uint8Array[];
  beforeAll(async () => {
    pdfs = [await makePdf([["Invoice No: INV-1", "Total: 120.50 EUR"]]), await makePdf([["Invoice No: INV-2", "Total: 99.00 EUR"]])];
    const mail = await invoiceEml(pdfs.map((content, i) => ({ filename: `inv-${i + 1}.pdf`, content, contentType: "application/pdf" })));
    doc = await parse(mail);
  });

  it("is one page: subject, from, to, date as labelled lines, then the HTML body as text", () => {
    expect(doc.mime_type).toBe("message/rfc822");
    expect(labelled(doc, "Subject")).toBe("Invoices INV-1 and INV-2");
    expect(labelled(doc, "From")).toBe("Billing <billing@acme.example>");
    expect(labelled(doc, "To")).toBe("Accounts <ap@globex.example>");
    expect(labelled(doc, "Date")).toBe("2026-11-30T09:15:00.000Z");
    expect(labelled(doc, "Total due")).toBe("219.50 EUR");
    expect(doc.pages[0]).not.toContain("<b>");
  });

  it("keeps both PDF attachments, byte for byte, with name, type and index", () => {
    expect(doc.attachments?.map((a) => [a.filename, a.mime_type, a.index])).toEqual([["inv-1.pdf", "application/pdf", 0], ["inv-2.pdf", "application/pdf", 1]]);
    const bytes = doc.attachments!.map((a) => Uint8Array.from(atob(a.content_base64), (c) => c.charCodeAt(0)));
    expect(bytes).toEqual(pdfs);
  });

  it("ends a mail with more attachments than the limit", async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ filename: `a${i}.txt`, content: strToU8(`file ${i}`), contentType: "text/plain" }));
    expect((await failure(await invoiceEml(many))).code).toBe("too_many_attachments");
  });

  it("ends a mail whose MIME parts nest deeper than the bound", async () => {
    let body = "Content-Type: text/plain\n\ndeep\n";
    for (let i = 0; i < 20; i++) body = `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n${body}--b${i}--\n`;
    const mail = strToU8(`From: a@b.example\nTo: c@d.example\nSubject: nested\nMIME-Version: 1.0\n${body}`);
    expect((await failure(mail)).code).toBe("too_deeply_nested");
  });
});

describe("Excel header_row", () => {
  let doc: ParsedDocument;
  beforeAll(async () => {
    // Two distinct texts above the table: the detected header is row 1, the real one row 3.
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Items");
    sheet.getCell("B1").value = "Prepared by";
    sheet.getCell("C1").value = "Finance";
    sheet.getRow(3).values = [undefined, "Code", "Qty", "Price"];
    sheet.getRow(4).values = [undefined, "A-1", 2, 9.5];
    sheet.getRow(5).values = [undefined, "B-2", 1, 20];
    doc = await parse(new Uint8Array(await book.xlsx.writeBuffer()));
  });

  it("reads the table under the given header row, citing the cells", () => {
    expect(doc.tables[0].header).toEqual(["Prepared by", "Finance", ""]);
    const field = { type: "table", column: "Qty", row: { column: "Code", equals: "B-2" } } as const;
    expect(runExtractor(field as never, doc, "number")).toEqual([]);
    const [found] = runExtractor({ ...field, header_row: 3 } as never, doc, "number");
    expect([found.value, found.provenance.sheet, found.provenance.cell]).toEqual(["1", "Items", "C5"]);
  });

  it("reads line items under it, typed values kept", () => {
    const items = runItemExtractor({ type: "table", header_row: 3, columns: { code: "Code", price: "Price" } } as never, doc, null);
    expect(items.map((i) => [i.cells.code.value, i.cells.price.value])).toEqual([["A-1", "9.5"], ["B-2", "20"]]);
  });

  it("finds nothing under a row outside the used range rather than guessing", () => {
    expect(runExtractor({ type: "table", column: "Qty", header_row: 40 } as never, doc, "number")).toEqual([]);
  });
});

describe("Outlook message (MSG)", () => {
  let pdf: Uint8Array;
  let fixture: MsgFixture;
  let doc: ParsedDocument;
  beforeAll(async () => {
    pdf = await makePdf([["Invoice No: INV-77", "Total: 88.00 EUR"]]);
    fixture = {
      subject: "Rechnung INV-77 für März", senderName: "Acme Billing", senderEmail: "billing@acme.example",
      to: { name: "Globex AP", email: "ap@globex.example" }, sent: new Date(Date.UTC(2026, 2, 14, 16, 5, 30)),
      body: "Dear AP,\r\nplease find invoice INV-77 attached.\r\nTotal due: 88.00 EUR",
      attachment: { filename: "inv-77.pdf", mimeType: "application/pdf", content: pdf },
    };
    doc = await parse(invoiceMsg(fixture), { filename: "mail.bin", mimeType: "application/octet-stream" });
  });

  it("is told by its property streams, one page of labelled header lines then the body", () => {
    expect(doc.mime_type).toBe("application/vnd.ms-outlook");
    expect(doc.pages).toHaveLength(1);
    expect(labelled(doc, "Subject")).toBe(fixture.subject);
    expect(labelled(doc, "From")).toBe(`${fixture.senderName} <${fixture.senderEmail}>`);
    expect(labelled(doc, "To")).toBe(`${fixture.to.name} <${fixture.to.email}>`);
    expect(labelled(doc, "Date")).toBe(fixture.sent.toISOString());
    expect(labelled(doc, "Total due")).toBe("88.00 EUR");
    expect(doc.pages[0]).not.toContain("\r");
  });

  it("keeps the attachment byte for byte, with name, type and index, for a child document", () => {
    expect(doc.attachments?.map((a) => [a.filename, a.mime_type, a.index])).toEqual([["inv-77.pdf", "application/pdf", 0]]);
    expect(Uint8Array.from(atob(doc.attachments![0].content_base64), (c) => c.charCodeAt(0))).toEqual(pdf);
  });

  it("names a message cut short invalid_document", async () => {
    const bytes = invoiceMsg(fixture);
    // Its last two sectors gone: the directory still names the streams, their sectors are missing.
    expect((await failure(bytes.subarray(0, bytes.length - 1024))).code).toBe("invalid_document");
  });
});

describe("bad Office input", () => {
  const zip = (files: Record<string, string | Uint8Array>) => zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === "string" ? strToU8(v) : v])));
  const WORD_TYPES = '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

  it("reads a lying name by content: a DOCX named .pdf, text named .docx", async () => {
    expect((await parse(await invoiceDocx(), { filename: "scan.pdf", mimeType: "application/pdf" })).mime_type).toContain("wordprocessingml");
    expect((await parse(strToU8("Invoice No: INV-9"), { filename: "a.docx" })).mime_type).toBe("text/plain");
  });

  it("names a truncated archive invalid_document", async () => {
    const bytes = await invoiceDocx();
    expect((await failure(bytes.subarray(0, Math.floor(bytes.length / 2)))).code).toBe("invalid_document");
  });

  it("names a password-protected Office file encrypted_document", async () => {
    const cfb = new Uint8Array(2048);
    cfb.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    cfb.set(Array.from("EncryptedPackage").flatMap((c) => [c.charCodeAt(0), 0]), 1024);
    expect((await failure(cfb, { filename: "locked.xlsx" })).code).toBe("encrypted_document");
  });

  it("refuses a ZIP bomb while inflating: an entry that inflates past the limit, whatever it declares", async () => {
    const bomb = zipBombDocx();
    expect(bomb.length).toBeLessThan(200_000);
    expect((await failure(bomb)).code).toBe("archive_too_large");
  });

  it("refuses XML that declares entities (billion laughs)", async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>`
      + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>`;
    const error = await failure(zip({ "[Content_Types].xml": WORD_TYPES, "word/document.xml": laughs }));
    expect(error.code).toBe("invalid_document");
    expect(error.message).toMatch(/DTD|entities/);
  });

  it("tells an archive that holds no Office document from one that does", async () => {
    expect((await failure(zip({ "a.txt": "hello" }))).code).toBe("unsupported_format");
  });

  it("ends a sheet longer than the row limit instead of cutting it", async () => {
    expect((await failure(longSheetXlsx(100_001))).code).toBe("sheet_too_large");
  });
});
