/** Transfer-phase parse throughput: a generated 50-page PDF through the same parser documents use. */
import { PDFDocument, StandardFonts } from "pdf-lib";
import { parseBytes } from "../src/documents/parse";
import { report } from "./bench/targets";

const PAGES = 50;
const pdf = await PDFDocument.create();
const font = await pdf.embedFont(StandardFonts.Helvetica);
for (let p = 0; p < PAGES; p++) {
  const page = pdf.addPage([595, 842]);
  for (let line = 0; line < 40; line++) page.drawText(`Page ${p} line ${line}: Invoice INV-${p}-${line} Total: ${(p * line).toFixed(2)} EUR`, { x: 40, y: 800 - line * 19, size: 10, font });
}
const bytes = await pdf.save();
const options = { mimeType: "application/pdf", filename: "bench.pdf", pageRange: null, maxPages: 1000 };
await parseBytes(bytes, options); // warm-up
const runs = 5;
const started = performance.now();
for (let i = 0; i < runs; i++) await parseBytes(bytes, options);
const seconds = (performance.now() - started) / 1000;
report("parse", [[`50-page PDF (${(bytes.length / 1024).toFixed(0)} KiB, 40 lines a page): pages/s`, ((PAGES * runs) / seconds).toFixed(0)]]);
