/**
 * Line items. (1) The 2,000-item, 40-page invoice PDF (drawn with pdf-lib, the test fixture):
 * parse to layout text plus item extraction (`table` and `rows`), item recall against the lines
 * drawn, and the time against `pdftotext -layout` on the same file. (2) Item export: rows/s of
 * `export.csv?table=` through the API against `COPY … TO STDOUT (FORMAT csv)` projecting the same
 * released item values from the same rows (needs real Postgres, as bench-export).
 * Usage: npx tsx scripts/bench-items.ts [items=100000] [passes=3]  (or BENCH_ITEMS, BENCH_ITEMS_PASSES)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { runItemExtractor } from "../src/documents/extractors/items";
import { parseBytes } from "../src/documents/parse";
import type { Extractor } from "../src/pipeline/definition";
import type { ParsedDocument } from "../src/pipeline/types";
import { invoiceLines, invoicePdf } from "../test/support/invoice-pdfs";
import { benchApp, numberArg, realDb, report, round, skippedRealService, type Figure } from "./bench/targets";

const totalItems = numberArg(0, "BENCH_ITEMS", 100_000);
const passes = numberArg(1, "BENCH_ITEMS_PASSES", 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const timed = async <T>(work: () => Promise<T> | T) => {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
};
const rows: Array<Figure | [string, string | number]> = [];

// (1) The 2,000-item PDF.
const lines = invoiceLines(2000);
const pdf = await invoicePdf(lines, 50);
const EXTRACTORS: Record<string, unknown> = {
  table: { type: "table", columns: { description: "Description", qty: "Qty", amount: "Amount" }, skip: "^Subtotal" },
  rows: { type: "rows", start: "^\\s*Description\\s+Qty\\s+Amount", end: "^\\s*Subtotal",
    line: "^\\s*(?P<description>\\S.*?)\\s{2,}(?P<qty>\\d+)\\s{2,}(?P<amount>[\\d,]+\\.\\d\\d)\\s*$" },
};
const drawn = lines.map((l) => JSON.stringify([l.description, String(l.qty), l.amount.toLocaleString("en-US", { minimumFractionDigits: 2 })]));
const parse = async () => ({ ...(await parseBytes(pdf, { filename: "invoice.pdf", mimeType: null, pageRange: null, maxPages: 100 })), content_hash: "" }) as ParsedDocument;
await parse(); // warm-up: JIT and pdf.js start-up
const parses = [];
for (let pass = 0; pass < passes; pass++) parses.push(await timed(parse));
const parseMs = median(parses.map((p) => p.ms));
const parsed = parses[0].value;
const dir = mkdtempSync(join(tmpdir(), "sluice-items-"));
try {
  writeFileSync(join(dir, "invoice.pdf"), pdf);
  const poppler = [];
  for (let pass = 0; pass < passes; pass++) poppler.push((await timed(() => spawnSync("pdftotext", ["-layout", join(dir, "invoice.pdf"), "-"]))).ms);
  const pdftotextMs = spawnSync("pdftotext", ["-v"]).error ? null : median(poppler);
  rows.push([`2,000-item 40-page PDF: parse to layout text, ms (median of ${passes})`, parseMs.toFixed(0)]);
  for (const [name, extractor] of Object.entries(EXTRACTORS)) {
    const runs = [];
    for (let pass = 0; pass < passes; pass++) runs.push(await timed(() => runItemExtractor(extractor as Extractor, parsed, "description")));
    const items = runs[0].value;
    const found = new Set(items.map((i) => JSON.stringify([i.cells.description?.value, i.cells.qty?.value, i.cells.amount?.value])));
    const recalled = drawn.filter((d) => found.has(d)).length;
    const extractMs = median(runs.map((r) => r.ms));
    rows.push([`${name}: items found / drawn; exact recall`, `${items.length} / ${lines.length}; ${(recalled / lines.length).toFixed(4)}`]);
    rows.push([`${name}: item extraction ms (parse + extraction ms)`, `${extractMs.toFixed(0)} (${(parseMs + extractMs).toFixed(0)})`]);
    if (pdftotextMs) {
      rows.push({
        metric: `${name}: parse + item extraction`, value: round(parseMs + extractMs), unit: "ms",
        reference: "pdftotext -layout on the same file", referenceValue: round(pdftotextMs),
      });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// (2) Item export against COPY.
const target = await realDb();
if (!target) {
  rows.push(["item export", skippedRealService("Postgres", "BENCH_DATABASE_URL or SLUICE_TEST_DATABASE_URL")]);
  report("items", rows);
  process.exit(0);
}
const { services, organizationId: organization_id, call } = await benchApp(target.handle);
const definition = {
  fields: [{ name: "lines", type: "table", columns: [{ name: "description", type: "string" }, { name: "qty", type: "integer" }, { name: "amount", type: "number" }],
    extract: [{ type: "json_pointer", pointer: "/lines", columns: { description: "d", qty: "q", amount: "a" } }] }],
  phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
  documents: [{ text: JSON.stringify({ lines: [{ d: "x", q: 1, a: 1 }] }), filename: "a.json" }],
};
const run = await (await call("/v1/pipelines/sync", { method: "POST", body: JSON.stringify(definition) })).json();
const pipelineId: string = run.id;
const perDocument = 1000;
const documents = Math.max(1, Math.round(totalItems / perDocument));
const cell = (type: string, value: ReturnType<typeof sql>) => sql`jsonb_build_object('value', ${value}, 'status', 'completed', 'type', ${type}::text,
  'reason', null, 'claimed_by', null, 'resolved_by', 'extraction:rows', 'meta', jsonb_build_object('provenance', jsonb_build_object('page', 0, 'start', i, 'end', i + 5)))`;
const item = sql`jsonb_build_object('description', ${cell("string", sql`'part ' || g || '-' || i || ', "zinc"'`)},
  'qty', ${cell("integer", sql`to_jsonb(i % 9 + 1)`)}, 'amount', ${cell("number", sql`to_jsonb(i * 1.25)`)})`;
await sql`insert into documents (pipeline_id, organization_id, ordinal, source, status, cells, phase_index)
  select ${pipelineId}, ${organization_id}, g, '{}'::jsonb, 'complete',
    jsonb_build_object('lines', jsonb_build_object('value', (select jsonb_agg(${item} order by i) from generate_series(0, ${perDocument - 1}) i),
      'status', 'completed', 'type', 'table', 'reason', null, 'claimed_by', null, 'resolved_by', 'extraction:rows', 'meta', '{}'::jsonb)), 3
  from generate_series(1, ${documents}) g`.execute(services.db);
// Readers read the published generation's rows (generation 1: the sync run finished it).
await sql`insert into document_versions (pipeline_id, generation, ordinal, document_id, status, cells)
  select pipeline_id, 1, ordinal, id, status, cells from documents
  where pipeline_id = ${pipelineId} and ordinal >= 1`.execute(services.db);
await sql`analyze documents`.execute(services.db);
await sql`analyze document_versions`.execute(services.db);
const { dataProduct } = await (await call(`/v1/pipelines/${pipelineId}/data-product`, { method: "POST", body: "{}" })).json();

async function apiExport() {
  const started = performance.now();
  const res = await call(`/v1/data-products/${dataProduct.id}/export.csv?table=lines`);
  if (res.status !== 200) throw new Error(`export failed: ${res.status} ${await res.text()}`);
  let newlines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) for (const b of chunk) if (b === 10) newlines++;
  return { seconds: (performance.now() - started) / 1000, items: newlines - 1 };
}
const released = (c: string) => `case when i.item->'${c}'->>'status' = 'needs_review'
  or (i.item->'${c}'->>'status' = 'failed' and i.item->'${c}'->'reason'->>'code' = 'rejected_by_review') then null else i.item->'${c}'->>'value' end`;
const copyQuery = `COPY (select d.document_id as record_id, i.n - 1 as item_index, ${["description", "qty", "amount"].map(released).join(", ")}
  from document_versions d cross join lateral jsonb_array_elements(d.cells->'lines'->'value') with ordinality as i(item, n)
  where d.pipeline_id = '${pipelineId}' and d.generation = 1 and d.status in ('complete', 'partial')
  order by d.ordinal, i.n) TO STDOUT (FORMAT csv, HEADER)`;
const client = new pg.Client({ connectionString: target.url });
try {
  await client.connect();
  const copyExport = async () => {
    const started = performance.now();
    for await (const chunk of client.query(copyTo(copyQuery)) as AsyncIterable<Buffer>) void chunk;
    return (performance.now() - started) / 1000;
  };
  const warm = await apiExport();
  await copyExport();
  const api: number[] = [];
  const copy: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    api.push((await apiExport()).seconds);
    copy.push(await copyExport());
  }
  rows.push([`API export.csv?table= items/s (${warm.items} items in ${documents} documents, median of ${passes})`, (warm.items / median(api)).toFixed(0)]);
  rows.push([`COPY TO STDOUT (FORMAT csv) items/s, same items and values (median of ${passes})`, (warm.items / median(copy)).toFixed(0)]);
  rows.push({
    metric: "item export time", value: round(median(api)), unit: "s",
    reference: "COPY TO STDOUT (FORMAT csv), same items", referenceValue: round(median(copy)),
  });
} finally {
  await client.end();
  await target.close();
}
report("items", rows);
