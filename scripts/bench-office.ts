/**
 * Office parse throughput through parseBytes, next to the PDF parse on comparable content: 20 pages
 * (Word pages, slides, sheets) of 40 invoice lines each, and a 20-page PDF of the same lines. Pages
 * per second, as a ratio to the PDF's in the same run (reported, no target).
 * Usage: npx tsx scripts/bench-office.ts
 */
import { Document, Packer, PageBreak, Paragraph } from "docx";
import ExcelJS from "exceljs";
import { PDFDocument, StandardFonts } from "pdf-lib";
import PptxGenJS from "pptxgenjs";
import { parseBytes } from "../src/documents/parse";
import { report, round, type Figure } from "./bench/targets";

const PAGES = 20;
const RUNS = 3;
const line = (p: number, l: number) => `Page ${p} line ${l}: Invoice INV-${p}-${l} Total: ${(p * l).toFixed(2)} EUR`;
const lines = (p: number) => Array.from({ length: 40 }, (_, l) => line(p, l));

async function pdf() {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < PAGES; p++) {
    const page = doc.addPage([595, 842]);
    lines(p).forEach((text, l) => page.drawText(text, { x: 40, y: 800 - l * 19, size: 10, font }));
  }
  return doc.save();
}

async function docx() {
  const children = Array.from({ length: PAGES }, (_, p) => [
    ...lines(p).map((text) => new Paragraph(text)), ...(p < PAGES - 1 ? [new Paragraph({ children: [new PageBreak()] })] : []),
  ]).flat();
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

async function pptx() {
  const deck = new PptxGenJS();
  for (let p = 0; p < PAGES; p++) deck.addSlide().addText(lines(p).join("\n"), { x: 0.3, y: 0.3, w: 9, h: 5, fontSize: 6 });
  return (await deck.write({ outputType: "uint8array" })) as Uint8Array;
}

async function xlsx() {
  const book = new ExcelJS.Workbook();
  for (let p = 0; p < PAGES; p++) {
    const sheet = book.addWorksheet(`Sheet ${p + 1}`);
    sheet.addRow(["Page", "Line", "Invoice", "Total", "Currency"]);
    for (let l = 0; l < 40; l++) sheet.addRow([p, l, `INV-${p}-${l}`, p * l, "EUR"]);
  }
  return new Uint8Array(await book.xlsx.writeBuffer());
}

const options = { pageRange: null, maxPages: 1000 };

/** Seconds for RUNS parses of each input, interleaved run by run so drift on a shared machine hits all alike. */
async function time(inputs: Record<string, Uint8Array>) {
  const totals: Record<string, number> = Object.fromEntries(Object.keys(inputs).map((k) => [k, 0]));
  for (const bytes of Object.values(inputs)) await parseBytes(bytes, options); // warm-up, and loads each parser once
  for (let i = 0; i < RUNS; i++) {
    for (const [name, bytes] of Object.entries(inputs)) {
      const started = performance.now();
      const parsed = await parseBytes(bytes, options);
      totals[name] += (performance.now() - started) / 1000;
      if (parsed.pages.length !== PAGES) throw new Error(`${name}: ${parsed.pages.length} pages, expected ${PAGES}`);
    }
  }
  return totals;
}

const inputs = { pdf: await pdf(), docx: await docx(), pptx: await pptx(), xlsx: await xlsx() };
const totals = await time(inputs);
const perSecond = (seconds: number) => round((PAGES * RUNS) / seconds);
const rows: Figure[] = (["docx", "pptx", "xlsx"] as const).map((kind) => ({
  metric: `${kind.toUpperCase()}, ${PAGES} ${kind === "pptx" ? "slides" : kind === "xlsx" ? "sheets" : "pages"} of 40 lines (${(inputs[kind].length / 1024).toFixed(0)} KiB), pages/s`,
  value: perSecond(totals[kind]), unit: "pages/s",
  reference: `PDF parse (layout text + word boxes) of the same lines, ${PAGES} pages`, referenceValue: perSecond(totals.pdf),
}));
report("office", rows);
