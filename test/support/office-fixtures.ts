/**
 * Office and e-mail fixtures written by the libraries that produce such files (docx, pptxgenjs,
 * exceljs, nodemailer), never by the parsers under test; each returns its bytes and the truth it holds.
 */
import { AlignmentType, Document, Footer, Header, HeadingLevel, LevelFormat, Packer, PageBreak, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import CFB from "cfb";
import ExcelJS from "exceljs";
import nodemailer from "nodemailer";
import { strToU8, zipSync } from "fflate";
import PptxGenJS from "pptxgenjs";

export interface Item {
  description: string;
  qty: number;
  amount: number;
}

export const ITEMS: Item[] = [
  { description: "Steel bracket", qty: 4, amount: 12.5 },
  { description: "Hex bolt M8", qty: 100, amount: 0.35 },
  { description: "Mounting rail 2m", qty: 2, amount: 48 },
];

const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] });
const row = (cells: string[]) => new TableRow({ children: cells.map(cell) });

/** An invoice: heading, labelled fields, an items table, a running header and footer, and a terms page after a page break. */
export async function invoiceDocx(number = "INV-2041"): Promise<Uint8Array> {
  const doc = new Document({
    sections: [{
      headers: { default: new Header({ children: [new Paragraph("ACME Supplies Ltd — confidential")] }) },
      footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun("Registered in Leeds")] })] }) },
      children: [
        new Paragraph({ text: "Invoice", heading: HeadingLevel.HEADING_1 }),
        new Paragraph(`Invoice No: ${number}`),
        new Paragraph("Date: 2026-11-30"),
        new Table({ rows: [row(["Description", "Qty", "Amount"]), ...ITEMS.map((i) => row([i.description, String(i.qty), i.amount.toFixed(2)]))] }),
        new Paragraph("Total: 242.00 EUR"),
        new Paragraph({ children: [new PageBreak()] }),
        new Paragraph({ text: "Terms", heading: HeadingLevel.HEADING_2 }),
        new Paragraph("Payment due within 30 days."),
      ],
    }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

export const TERMS_STEPS = ["Pay within 30 days of the invoice date", "Quote the invoice number on the transfer", "Send the remittance advice to accounts@acme.example"];

/** Payment terms as Word writes lists: a numbered list of steps, then a bulleted list of payment methods with a nested item. */
export async function termsDocx(): Promise<Uint8Array> {
  const step = (text: string) => new Paragraph({ text, numbering: { reference: "steps", level: 0 } });
  const doc = new Document({
    numbering: { config: [{ reference: "steps", levels: [{ level: 0, format: LevelFormat.DECIMAL, text: "%1.", alignment: AlignmentType.START }] }] },
    sections: [{
      children: [
        new Paragraph({ text: "Payment terms", heading: HeadingLevel.HEADING_1 }),
        new Paragraph("Please pay invoice INV-2041 as follows."),
        ...TERMS_STEPS.map(step),
        new Paragraph("We accept:"),
        new Paragraph({ text: "Bank transfer", bullet: { level: 0 } }),
        new Paragraph({ text: "SEPA credit transfer only", bullet: { level: 1 } }),
        new Paragraph({ text: "Card payment", bullet: { level: 0 } }),
        new Paragraph("Thank you for your business."),
      ],
    }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** Three slides: a title slide, a slide with two text frames placed bottom-first and an items table, and speaker notes. */
export async function invoicePptx(slides = 3): Promise<Uint8Array> {
  const pptx = new PptxGenJS();
  const first = pptx.addSlide();
  first.addText("Quarterly supplier review", { x: 0.5, y: 0.5, w: 9, h: 1, fontSize: 28 });
  first.addNotes("Do not read the totals aloud.");
  const second = pptx.addSlide();
  second.addText("Total: 242.00 EUR", { x: 0.5, y: 4.5, w: 4, h: 0.5 }); // added first, placed last
  second.addText("Invoice No: INV-2041", { x: 0.5, y: 0.3, w: 4, h: 0.5 });
  second.addTable([["Description", "Qty", "Amount"], ...ITEMS.map((i) => [i.description, String(i.qty), i.amount.toFixed(2)])].map((r) => r.map((text) => ({ text }))), { x: 0.5, y: 1.2, w: 8 });
  for (let i = 2; i < slides; i++) pptx.addSlide().addText(`Appendix ${i - 1}`, { x: 0.5, y: 0.5, w: 6, h: 1 });
  const data = await pptx.write({ outputType: "uint8array" });
  return data as Uint8Array;
}

/** Two sheets: "Invoices" with a merged title row over a typed table (text, number, date, boolean, formula), and "Rates". */
export async function workbookXlsx(extraRows = 0): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const invoices = book.addWorksheet("Invoices");
  invoices.mergeCells("A1:E1");
  invoices.getCell("A1").value = "Invoices November";
  invoices.addRow(["Number", "Customer", "Amount", "Issued", "Paid"]);
  invoices.addRow(["INV-1", "Globex", 120.5, new Date(Date.UTC(2026, 10, 3)), true]);
  invoices.addRow(["INV-2", "Initech", 99, new Date(Date.UTC(2026, 10, 17)), false]);
  for (let i = 0; i < extraRows; i++) invoices.addRow([`INV-${i + 3}`, "Umbrella", i, new Date(Date.UTC(2026, 10, 20)), false]);
  const last = 4 + extraRows;
  invoices.addRow(["Total", null, { formula: `SUM(C3:C${last})`, result: 219.5 + (extraRows * (extraRows - 1)) / 2 }, null, null]);
  const rates = book.addWorksheet("Rates");
  rates.addRow(["Currency", "Rate"]);
  rates.addRow(["USD", 1.08]);
  rates.addRow(["GBP", 0.86]);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

/** A mail with an HTML and a text body and the given attachments (as files of their own type). */
export async function invoiceEml(attachments: Array<{ filename: string; content: Uint8Array; contentType: string }>): Promise<Uint8Array> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await transport.sendMail({
    from: "Billing <billing@acme.example>",
    to: "Accounts <ap@globex.example>",
    subject: "Invoices INV-1 and INV-2",
    date: new Date(Date.UTC(2026, 10, 30, 9, 15)),
    text: "Please find two invoices attached.\nTotal due: 219.50 EUR",
    html: "<p>Please find <b>two invoices</b> attached.</p><p>Total due: 219.50 EUR</p>",
    attachments: attachments.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
  });
  return new Uint8Array(info.message as Buffer);
}

export interface MsgFixture {
  subject: string;
  senderName: string;
  senderEmail: string;
  to: { name: string; email: string };
  /** Sent at, written as the FILETIME of PR_CLIENT_SUBMIT_TIME. */
  sent: Date;
  body: string;
  attachment: { filename: string; mimeType: string; content: Uint8Array };
}

const utf16le = (text: string) => Buffer.from(`${text}\0`, "utf16le");
/** A fixed-size property entry of a property stream (MS-OXMSG 2.4.2.1): tag, flags (readable|writable), 8 bytes of value. */
function fixedProperty(tag: number, value: Buffer): Buffer {
  const entry = Buffer.alloc(16);
  entry.writeUInt32LE(tag, 0);
  entry.writeUInt32LE(0x6, 4);
  value.copy(entry, 8);
  return entry;
}
function uint32(n: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt32LE(n, 0);
  return value;
}

/**
 * An Outlook message (.msg) written with the npm `cfb` package as MS-OXMSG lays it out: string
 * properties as `__substg1.0_<tag>001F` streams (UTF-16LE), fixed ones in `__properties_version1.0`
 * (a 32-byte header at the root, 8 in recipient and attachment storages), one recipient storage and
 * one attachment storage holding its bytes (`3701 0102`), file name and MIME type.
 */
export function invoiceMsg(m: MsgFixture): Uint8Array {
  const file = CFB.utils.cfb_new();
  const put = (path: string, content: Buffer | Uint8Array) => CFB.utils.cfb_add(file, path, Buffer.from(content));
  const text = (dir: string, id: string, value: string) => put(`${dir}/__substg1.0_${id}001F`, utf16le(value));
  text("", "001A", "IPM.Note");
  text("", "0037", m.subject);
  text("", "0C1A", m.senderName);
  text("", "0C1F", m.senderEmail);
  text("", "1000", m.body);
  // FILETIME: 100 ns intervals since 1601-01-01.
  const filetime = Buffer.alloc(8);
  filetime.writeBigUInt64LE((BigInt(m.sent.getTime()) + 11_644_473_600_000n) * 10_000n, 0);
  put("/__properties_version1.0", Buffer.concat([Buffer.alloc(32), fixedProperty(0x00390040, filetime)]));
  const recip = "/__recip_version1.0_#00000000";
  text(recip, "3001", m.to.name);
  text(recip, "39FE", m.to.email);
  put(`${recip}/__properties_version1.0`, Buffer.concat([Buffer.alloc(8), fixedProperty(0x0c150003, uint32(1))]));
  const attach = "/__attach_version1.0_#00000000";
  text(attach, "3707", m.attachment.filename);
  text(attach, "370E", m.attachment.mimeType);
  put(`${attach}/__substg1.0_37010102`, m.attachment.content);
  put(`${attach}/__properties_version1.0`, Buffer.concat([Buffer.alloc(8), fixedProperty(0x37050003, uint32(1))]));
  return new Uint8Array(CFB.write(file, { type: "buffer" }) as Buffer);
}

const WORD_TYPES = '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

/** A Word file whose document part inflates to 40 MiB of zeros from ~40 KB, its central directory claiming 1,000 bytes. */
export function zipBombDocx(): Uint8Array {
  const bomb = zipSync({ "[Content_Types].xml": strToU8(WORD_TYPES), "word/document.xml": [new Uint8Array(40 * 2 ** 20), { level: 1 }] });
  // Lie about the size in the central directory, so only the inflating can tell.
  const view = new DataView(bomb.buffer);
  for (let at = 0; at + 4 < bomb.length; at++) if (view.getUint32(at, true) === 0x02014b50) view.setUint32(at + 24, 1000, true);
  return bomb;
}

/** A workbook of one sheet with `rows` rows of one number each, written as SpreadsheetML by hand (no library writes it fast enough). */
export function longSheetXlsx(rows: number): Uint8Array {
  const data = Array.from({ length: rows }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`).join("");
  const files: Record<string, string> = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Big" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:A${rows}"/><sheetData>${data}</sheetData></worksheet>`,
  };
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}
