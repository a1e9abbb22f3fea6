/**
 * OCR: pages per second through the page reader (one OCR thread, tesseract.js) against Debian's `tesseract`
 * command-line program (tesseract-ocr) on the same PNG pages with the same language data (the npm package's
 * eng model, unpacked to a temporary tessdata folder) at the same dpi, one thread each (target ≥ 0.8×);
 * word accuracy on clean and degraded (3° skew, noise, JPEG) generated pages (targets ≥ 98 % and ≥ 95 %);
 * field accuracy of invoices scanned (image-only PDF) against the same invoices born-digital (within 3 points).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { createThreadReader } from "../src/adapters/ocr/threads";
import { runExtractor } from "../src/documents/extractors";
import type { ParsedDocument } from "../src/documents/model";
import { parseBytes } from "../src/documents/parse";
import { DEFAULT_OCR, readScannedPages } from "../src/documents/parse/ocr";
import { degrade, jpeg, linesAt, mixedPdf, png, render, wordAccuracy } from "../test/support/scans";
import { drawPdf } from "../test/support/pdf-layouts";
import { report, round, type Figure } from "./bench/targets";

const DPI = 300;
const PAGES = 4;
const WORDS = ["invoice", "total", "amount", "delivery", "payment", "customer", "order", "number", "date", "service", "Rotterdam", "Berlin", "account", "VAT", "net"];

/** Page `p`: eight lines of words and numbers, different on every page. */
const pageLines = (p: number) => Array.from({ length: 8 }, (_, l) =>
  Array.from({ length: 5 }, (_, w) => (w === 4 ? `${(p * 37 + l * 11 + w).toFixed(0)}.${(l * 7) % 10}0` : WORDS[(p * 5 + l * 3 + w) % WORDS.length])).join(" "));

const reader = createThreadReader({ workers: 1, timeoutMs: 300_000 });
const pages = await Promise.all(Array.from({ length: PAGES }, async (_, p) => ({ truth: pageLines(p).join(" "), canvas: await render(linesAt(pageLines(p), { size: 11, gap: 20, top: 250 }), DPI, [420, 288]) })));
const clean = pages.map((p) => png(p.canvas));
const degraded = pages.map((p, i) => jpeg(degrade(p.canvas, { degrees: i % 2 ? -3 : 3, noise: 0.02, seed: i + 1 }), 50));

const readImage = (bytes: Uint8Array) => reader.read({ kind: "image", bytes, page: 0, languages: ["eng"], dpi: DPI });
await readImage(clean[0]); // threads and language data loaded before timing

let started = performance.now();
const cleanText: string[] = [];
for (const bytes of clean) cleanText.push((await readImage(bytes)).words.map((w) => w.text).join(" "));
const ours = PAGES / ((performance.now() - started) / 1000);
const degradedText: string[] = [];
for (const bytes of degraded) degradedText.push((await readImage(bytes)).words.map((w) => w.text).join(" "));

/** Debian's tesseract on the same pages and model, or null when it is not installed. */
function cliPagesPerSecond(): number | null {
  const folder = mkdtempSync(join(tmpdir(), "sluice-bench-ocr-"));
  try {
    execFileSync("tesseract", ["--version"], { stdio: "ignore" });
    const model = createRequire(import.meta.url).resolve("@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz");
    writeFileSync(join(folder, "eng.traineddata"), gunzipSync(readFileSync(model)));
    clean.forEach((bytes, i) => writeFileSync(join(folder, `${i}.png`), bytes));
    const run = (i: number) => execFileSync("tesseract", [join(folder, `${i}.png`), "-", "--tessdata-dir", folder, "-l", "eng", "--oem", "1", "--dpi", String(DPI)], {
      env: { ...process.env, OMP_THREAD_LIMIT: "1" }, stdio: ["ignore", "pipe", "ignore"],
    });
    run(0);
    const start = performance.now();
    for (let i = 0; i < PAGES; i++) run(i);
    return PAGES / ((performance.now() - start) / 1000);
  } catch {
    return null;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
const cli = cliPagesPerSecond();

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const cleanAccuracy = mean(pages.map((p, i) => wordAccuracy(p.truth, cleanText[i])));
const degradedAccuracy = mean(pages.map((p, i) => wordAccuracy(p.truth, degradedText[i])));

/** Invoices with three labelled fields, read born-digital and as lightly degraded image-only PDFs. */
const invoices = Array.from({ length: 3 }, (_, i) => ({ number: `INV-${2024 + i}-${100 + i * 17}`, date: `2024-0${i + 2}-1${i}`, total: `${(i + 1) * 317}.${i}5` }));
const invoiceItems = (f: (typeof invoices)[number]) => linesAt(["ACME Trading BV", `Invoice number: ${f.number}`, `Invoice date: ${f.date}`, `Total due: ${f.total} EUR`], { size: 11 });
const labels = { number: "Invoice number", date: "Invoice date", total: "Total due" } as const;

async function fieldAccuracy(parse: (i: number) => Promise<Omit<ParsedDocument, "content_hash">>): Promise<number> {
  let right = 0;
  for (const [i, truth] of invoices.entries()) {
    const parsed = { ...(await parse(i)), content_hash: "" };
    for (const [field, label] of Object.entries(labels)) {
      const found = runExtractor({ type: "label", labels: [label] } as never, parsed, "string")[0]?.value;
      if (String(found ?? "").replace(/ EUR$/, "") === truth[field as keyof typeof truth]) right += 1;
    }
  }
  return right / (invoices.length * 3);
}
const options = { pageRange: null, maxPages: 10 };
const bornDigital = await fieldAccuracy(async (i) => parseBytes(await drawPdf([{ items: invoiceItems(invoices[i]), size: [360, 288] }]), options));
const scanned = await fieldAccuracy(async (i) => {
  const scan = jpeg(degrade(await render(invoiceItems(invoices[i]), DPI), { degrees: 1.5, noise: 0.01, seed: i }), 60);
  const bytes = await mixedPdf([{ scan }]);
  return readScannedPages(await parseBytes(bytes, options), { kind: "pdf", bytes }, { ...DEFAULT_OCR, dpi: DPI }, reader, "");
});
await reader.close();

const rows: Figure[] = [
  cli === null
    ? { metric: "OCR pages/s, 1 thread (tesseract CLI not installed: apt-get install tesseract-ocr)", value: round(ours), unit: "pages/s" }
    : { metric: `OCR pages/s, 1 thread, ${DPI} dpi`, value: round(ours), unit: "pages/s", reference: "Debian tesseract CLI, same model and dpi, OMP_THREAD_LIMIT=1", referenceValue: round(cli) },
  { metric: "word accuracy, clean pages", value: round(cleanAccuracy * 100), unit: "%", reference: "target", referenceValue: 98 },
  { metric: "word accuracy, degraded pages (±3° skew, 2 % noise, JPEG q50)", value: round(degradedAccuracy * 100), unit: "%", reference: "target", referenceValue: 95 },
  { metric: "field accuracy, scanned invoices", value: round(scanned * 100), unit: "%", reference: "the same invoices born-digital", referenceValue: round(bornDigital * 100) },
];
report("ocr", rows);
