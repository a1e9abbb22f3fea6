/**
 * Tables on PDF pages. (1) Cell accuracy of the drawn table cases (ruled with spanning cells,
 * centred/right-aligned headers, stacked headers, wrapped cells, over pages, two alike on a page,
 * narrow columns) read with the definition a user writes from the README, against the truth drawn;
 * invented rows as a share of the rows expected. (2) Table pages/s: the cases bound into one PDF,
 * parsed (layout text, rules, table detection) and every case's table extracted, next to
 * `pdftotext -layout` on the same file.
 * Usage: npx tsx scripts/bench-tables.ts [seeds=6] [passes=3]  (or BENCH_TABLE_SEEDS, BENCH_TABLE_PASSES)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { runItemExtractor } from "../src/documents/extractors/items";
import type { ParsedDocument } from "../src/documents/model";
import { parseBytes } from "../src/documents/parse";
import type { Extractor } from "../src/pipeline/definition";
import { add, score, ZERO } from "../test/support/table-accuracy";
import { CASES, seeded, type TableCase } from "../test/support/table-pdfs";
import { MORE_CASES } from "../test/support/table-pdfs-more";
import { numberArg, report, round, type Figure } from "./bench/targets";

const seeds = numberArg(0, "BENCH_TABLE_SEEDS", 6);
const passes = numberArg(1, "BENCH_TABLE_PASSES", 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const parse = async (pdf: Uint8Array) =>
  ({ ...(await parseBytes(pdf, { filename: "t.pdf", mimeType: null, pageRange: null, maxPages: 1000 })), content_hash: "" }) as ParsedDocument;
const read = (c: TableCase, parsed: ParsedDocument) =>
  runItemExtractor(c.extractor as unknown as Extractor, parsed, null).map((i) => Object.fromEntries(Object.entries(i.cells).map(([k, v]) => [k, v.value])));

const cases: TableCase[] = [];
for (let seed = 1; seed <= seeds; seed++) for (const [k, make] of [...CASES, ...MORE_CASES].entries()) cases.push(await make(seeded(seed * 7919 + k)));

// (1) Accuracy, case by case.
let total = ZERO;
for (const c of cases) total = add(total, score(read(c, await parse(c.pdf)), c.truth));
const rows: Array<Figure | [string, string | number]> = [
  [`cell accuracy, ${cases.length} drawn tables, README definitions (cells right / expected)`, `${(total.right / total.cells).toFixed(4)} (${total.right} / ${total.cells})`],
  [`invented rows / expected rows`, `${(total.invented / total.rows).toFixed(4)} (${total.invented} / ${total.rows})`],
];

// (2) Throughput: every case bound into one document.
const bound = await PDFDocument.create();
for (const c of cases) {
  const source = await PDFDocument.load(c.pdf);
  for (const page of await bound.copyPages(source, source.getPageIndices())) bound.addPage(page);
}
const pdf = await bound.save();
const pageCount = bound.getPageCount();
const work = async () => {
  const parsed = await parse(pdf);
  // Each case's extractor on the whole document: the table it names is found among all of them.
  for (const c of cases.slice(0, 8)) read(c, parsed);
};
await work(); // warm-up: JIT and pdf.js start-up
const ours: number[] = [];
for (let pass = 0; pass < passes; pass++) {
  const started = performance.now();
  await work();
  ours.push(performance.now() - started);
}
const dir = mkdtempSync(join(tmpdir(), "sluice-tables-"));
try {
  writeFileSync(join(dir, "tables.pdf"), pdf);
  const poppler: number[] = [];
  for (let pass = 0; pass < passes && !spawnSync("pdftotext", ["-v"]).error; pass++) {
    const started = performance.now();
    spawnSync("pdftotext", ["-layout", join(dir, "tables.pdf"), "-"]);
    poppler.push(performance.now() - started);
  }
  const pagesPerSecond = (ms: number) => round((pageCount * 1000) / ms);
  rows.push({
    metric: `table pages/s: ${pageCount}-page PDF of tables, parse (text, rules, tables found) + 8 table extractions`,
    value: pagesPerSecond(median(ours)), unit: "pages/s",
    ...(poppler.length ? { reference: "pdftotext -layout on the same file (a process per run)", referenceValue: pagesPerSecond(median(poppler)) } : {}),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
report("tables", rows);
