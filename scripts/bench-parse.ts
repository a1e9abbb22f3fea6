/**
 * Transfer-phase parse throughput on generated 50-page PDFs through the same parser documents use:
 * layout text with word boxes, as a ratio to the previous plain extraction (pdf.js items joined in
 * content-stream order) measured in the same run (target: at most 1.5× its time), and to
 * `pdftotext -layout` where poppler-utils is installed (reported, no target).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { getDocumentProxy } from "unpdf";
import { parseBytes } from "../src/documents/parse";
import { report, round, type Figure } from "./bench/targets";

const PAGES = 50;
const RUNS = 5;

type Draw = (page: ReturnType<PDFDocument["addPage"]>, p: number, font: Awaited<ReturnType<PDFDocument["embedFont"]>>) => void;

async function makePdf(draw: Draw) {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < PAGES; p++) draw(pdf.addPage([595, 842]), p, font);
  return pdf.save();
}

const lines: Draw = (page, p, font) => {
  for (let line = 0; line < 40; line++) {
    page.drawText(`Page ${p} line ${line}: Invoice INV-${p}-${line} Total: ${(p * line).toFixed(2)} EUR`, { x: 40, y: 800 - line * 19, size: 10, font });
  }
};
/** A ruled-table invoice page: 40 rows of 5 cells, amounts right-aligned, drawn column by column. */
const table: Draw = (page, p, font) => {
  const columns: Array<[number, boolean, (row: number) => string]> = [
    [40, false, (r) => `A-${p}-${r}`], [110, false, (r) => `Service item ${r} for period ${p}`], [360, true, (r) => String(r % 7 + 1)],
    [450, true, (r) => (r * 3.5).toFixed(2)], [555, true, (r) => (((r % 7) + 1) * r * 3.5).toFixed(2)],
  ];
  for (const [x, right, text] of columns) {
    for (let r = 0; r < 40; r++) {
      const value = text(r);
      page.drawText(value, { x: right ? x - font.widthOfTextAtSize(value, 9) : x, y: 800 - r * 19, size: 9, font });
    }
  }
};

/** The extraction transfer used before layout text: item strings in content-stream order, a newline at each EOL. */
async function plainText(bytes: Uint8Array) {
  const pdf = await getDocumentProxy(bytes.slice());
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push((content.items as Array<{ str?: string; hasEOL?: boolean }>).map((it) => `${it.str ?? ""}${it.hasEOL ? "\n" : ""}`).join("").trim());
  }
  await pdf.destroy();
  return pages;
}

const options = { mimeType: "application/pdf", filename: "bench.pdf", pageRange: null, maxPages: 1000 };
const layoutText = (bytes: Uint8Array) => parseBytes(bytes, options);

function pdftotext(path: string): (() => void) | null {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
  } catch {
    return null;
  }
  return () => void execFileSync("pdftotext", ["-layout", path, "-"], { maxBuffer: 64 * 1024 * 1024 });
}

/** Seconds per run of each contender, interleaved run by run so drift on a shared machine hits all alike. */
async function time(contenders: Record<string, () => unknown>) {
  const totals: Record<string, number> = Object.fromEntries(Object.keys(contenders).map((k) => [k, 0]));
  for (const run of Object.values(contenders)) await run(); // warm-up
  for (let i = 0; i < RUNS; i++) {
    for (const [name, run] of Object.entries(contenders)) {
      const started = performance.now();
      await run();
      totals[name] += (performance.now() - started) / 1000;
    }
  }
  return totals;
}

const dir = mkdtempSync(join(tmpdir(), "sluice-bench-parse-"));
const rows: Array<Figure | [string, string | number]> = [];
try {
  for (const [name, draw] of [["40 lines a page", lines], ["a 40×5 table a page", table]] as const) {
    const bytes = await makePdf(draw);
    const path = join(dir, `${name.replace(/\W+/g, "-")}.pdf`);
    writeFileSync(path, bytes);
    const poppler = pdftotext(path);
    const totals = await time({ plain: () => plainText(bytes), layout: () => layoutText(bytes), ...(poppler ? { pdftotext: poppler } : {}) });
    const pagesPerSecond = (seconds: number) => round((PAGES * RUNS) / seconds);
    const label = `50-page PDF, ${name} (${(bytes.length / 1024).toFixed(0)} KiB)`;
    // Ratios read value ÷ reference: pages/s against poppler (below 1 is slower), time against the plain extraction.
    rows.push({
      metric: `${label}: layout text + word boxes, pages/s`, value: pagesPerSecond(totals.layout), unit: "pages/s",
      ...(poppler
        ? { reference: "pdftotext -layout on the same PDF, a process per run (reported, no target)", referenceValue: pagesPerSecond(totals.pdftotext) }
        : {}),
    });
    if (!poppler) rows.push([`${label}: pdftotext`, "not installed (apt-get install poppler-utils)"]);
    rows.push({
      metric: `${label}: layout text + word boxes, seconds per PDF`, value: round(totals.layout / RUNS), unit: "s",
      reference: "the previous plain extraction of the same PDF (target ratio ≤ 1.5)", referenceValue: round(totals.plain / RUNS),
    });
    const parsed = await layoutText(bytes);
    const stored = JSON.stringify(parsed).length;
    rows.push([`${label}: stored parse, KiB a page (words share)`, `${(stored / PAGES / 1024).toFixed(1)} (${((JSON.stringify(parsed.words).length / stored) * 100).toFixed(0)} %)`]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
report("parse", rows);
