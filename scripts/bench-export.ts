/**
 * CSV export: rows/second through the API (`GET /v1/data-products/{id}/export.csv`, streamed,
 * holdback and formula-neutralising applied) against the database's own `COPY (…) TO … (FORMAT csv)`
 * projecting the same released values from the same rows, in one run, on the embedded default
 * (PGlite: COPY into its in-memory `/dev/blob`) and on real Postgres (Neon driver; COPY TO STDOUT);
 * total time and time to the first byte, each as a ratio to COPY's, passes interleaved; and the
 * API's peak memory while streaming at 10k and at the full row count.
 * On Postgres COPY goes through `pg` + `pg-copy-streams` in this process rather than `psql`: the
 * connection is opened before the clock starts (psql's start-up and connect cost ~40 ms, 10% of
 * the COPY), and both sides deliver their bytes to the same Node event loop.
 * Usage: npx tsx scripts/bench-export.ts [rows=100000] [passes=5]  (or BENCH_EXPORT_ROWS, BENCH_EXPORT_PASSES)
 */
import { sql } from "kysely";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { benchApp, embeddedDb, numberArg, realDb, report, round, skippedRealService, type BenchDb, type Figure } from "./bench/targets";

const totalRows = numberArg(0, "BENCH_EXPORT_ROWS", 100_000);
const passes = numberArg(1, "BENCH_EXPORT_PASSES", 5);
const FIELDS = Array.from({ length: 10 }, (_, i) => `f${i}`);
const gc = (globalThis as { gc?: () => void }).gc;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Lines in a chunk, by the native search rather than a loop over every byte (the loop cost ~5% of an export). */
function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) n++;
  return n;
}

async function measure(target: BenchDb): Promise<Array<Figure | [string, string | number]>> {
  const { services, organizationId: organization_id, call } = await benchApp(target.handle);

  // A finished run whose definition has ten fields; its rows are then written straight into the table.
  const definition = {
    fields: FIELDS.map((name, i) => ({ name, type: i % 2 ? "number" : "string", extract: [{ type: "label", labels: [name] }] })),
    phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
    documents: [{ text: FIELDS.map((f, i) => `${f}: ${i}`).join("\n") }],
  };
  const run = await (await call("/v1/pipelines/sync", { method: "POST", body: JSON.stringify(definition) })).json();
  const pipelineId: string = run.id;

  async function addRows(from: number, to: number) {
    const cell = (i: number) =>
      i % 2
        ? sql`jsonb_build_object('value', g * ${i} + 0.5, 'status', 'completed', 'type', 'number', 'reason', null, 'claimed_by', null, 'resolved_by', 'extraction:label', 'meta', '{}'::jsonb)`
        : sql`jsonb_build_object('value', 'row ' || g || ', "field" ${sql.raw(String(i))}', 'status', 'completed', 'type', 'string', 'reason', null, 'claimed_by', null, 'resolved_by', 'extraction:label', 'meta', '{}'::jsonb)`;
    const cells = sql.join(FIELDS.map((f, i) => sql`${f}::text, ${cell(i)}`));
    await sql`insert into documents (pipeline_id, organization_id, ordinal, source, status, cells, phase_index)
              select ${pipelineId}, ${organization_id}, g, '{}'::jsonb, 'complete', jsonb_build_object(${cells}), 3
              from generate_series(${from}::int, ${to}::int) g`.execute(services.db);
    // Readers read the published generation's rows (generation 1: the sync run finished it).
    await sql`insert into document_versions (pipeline_id, generation, ordinal, document_id, status, cells)
              select pipeline_id, 1, ordinal, id, status, cells from documents
              where pipeline_id = ${pipelineId} and ordinal between ${from}::int and ${to}::int`.execute(services.db);
    await sql`analyze documents`.execute(services.db);
    await sql`analyze document_versions`.execute(services.db);
  }

  /** Streams the export and counts bytes and lines; with `sampleMemory`, tracks peak RSS/heap (and live heap under --expose-gc). */
  async function apiExport(productId: string, sampleMemory: boolean) {
    gc?.();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed;
    let peakLive = baseline.heapUsed;
    const sample = () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    };
    const sampler = sampleMemory ? setInterval(sample, 10) : undefined;
    const started = performance.now();
    const res = await call(`/v1/data-products/${productId}/export.csv`);
    if (res.status !== 200) throw new Error(`export failed: ${res.status} ${await res.text()}`);
    let bytes = 0;
    let lines = 0;
    let chunks = 0;
    let firstByteMs = 0;
    let firstRowMs = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (bytes === 0) firstByteMs = performance.now() - started;
      bytes += chunk.length;
      lines += countLines(chunk);
      if (lines >= 2 && firstRowMs === 0) firstRowMs = performance.now() - started;
      // Live memory: collect every few chunks and keep the largest heap that survives a collection.
      if (sampleMemory && gc && ++chunks % 10 === 0) {
        sample();
        gc();
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    const memory = `${mib(peakRss - baseline.rss)} / ${mib(peakHeap - baseline.heapUsed)} / ${gc ? mib(peakLive - baseline.heapUsed) : "n/a (needs node --expose-gc)"}`;
    return { seconds, firstByteMs, firstRowMs, bytes, rows: lines - 1, memory };
  }

  // The same released values the API projects (see readExportSlice), from the same published rows, as text, with the field names as header.
  const released = (f: string) => `case when cells->'${f}'->>'status' = 'needs_review'
    or (cells->'${f}'->>'status' = 'failed' and cells->'${f}'->'reason'->>'code' = 'rejected_by_review') then null
    else cells->'${f}'->>'value' end as "${f}"`;
  const copyQuery = () => `COPY (select ${FIELDS.map(released).join(", ")} from document_versions
    where pipeline_id = '${pipelineId}' and generation = 1 and status in ('complete', 'partial') order by ordinal) TO STDOUT (FORMAT csv, HEADER)`;

  /** COPY of the same values: streamed to this process on Postgres; into PGlite's in-memory blob (whole, so its first byte is its last). */
  async function copyExport(client: pg.Client | null) {
    gc?.();
    const started = performance.now();
    let bytes = 0;
    let firstByteMs = 0;
    if (!client) {
      const result = await sql.raw(copyQuery().replace("TO STDOUT", "TO '/dev/blob'")).execute(services.db);
      return { seconds: (performance.now() - started) / 1000, firstByteMs: performance.now() - started, bytes: Number(result.numAffectedRows ?? 0) };
    }
    for await (const chunk of client.query(copyTo(copyQuery())) as AsyncIterable<Buffer>) {
      if (bytes === 0) firstByteMs = performance.now() - started;
      bytes += chunk.length;
    }
    return { seconds: (performance.now() - started) / 1000, firstByteMs, bytes };
  }

  const rows: Array<Figure | [string, string | number]> = [];
  const client = target.url ? new pg.Client({ connectionString: target.url }) : null;
  try {
    await client?.connect();
    const small = Math.min(10_000, totalRows);
    await addRows(1, small);
    const { dataProduct } = await (await call(`/v1/pipelines/${pipelineId}/data-product`, { method: "POST", body: "{}" })).json();
    await apiExport(dataProduct.id, false); // warm-up: JIT and connection pool
    const atSmall = await apiExport(dataProduct.id, true);
    if (totalRows > small) await addRows(small + 1, totalRows);
    const atTotal = await apiExport(dataProduct.id, true);
    await copyExport(client); // warm-up: the table's pages into shared buffers, as the API's passes had them
    // Timed passes alternate so drift (caches, other load) hits both sides alike; no forced collections here.
    const apiPasses: Array<{ seconds: number; firstByteMs: number; firstRowMs: number }> = [];
    const copyPasses: Array<{ seconds: number; firstByteMs: number }> = [];
    let copyBytes = 0;
    for (let pass = 0; pass < passes; pass++) {
      apiPasses.push(await apiExport(dataProduct.id, false));
      const copy = await copyExport(client);
      copyPasses.push(copy);
      copyBytes = copy.bytes;
    }
    const [api, copy] = [median(apiPasses.map((p) => p.seconds)), median(copyPasses.map((p) => p.seconds))];
    const [apiFirst, copyFirst] = [median(apiPasses.map((p) => p.firstByteMs)), median(copyPasses.map((p) => p.firstByteMs))];
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    const on = target.name;
    const copyName = client ? "COPY TO STDOUT (FORMAT csv)" : "COPY TO '/dev/blob' (FORMAT csv)";
    rows.push([`${on}: API export.csv rows/s (${atTotal.rows} rows × 10 fields, ${mib(atTotal.bytes)}, median of ${passes})`, (atTotal.rows / api).toFixed(0)]);
    rows.push([`${on}: ${copyName} rows/s, same rows and values (${client ? mib(copyBytes) : `${copyBytes} rows`}, median of ${passes})`, (atTotal.rows / copy).toFixed(0)]);
    rows.push({ metric: `${on}: API export.csv time, ${atTotal.rows * 10} cells (target ≤ 1.5× COPY; passes ${apiPasses.map((p, i) => round(p.seconds / copyPasses[i].seconds, 2)).join(", ")})`, value: round(api), unit: "s", reference: `${copyName}, same rows`, referenceValue: round(copy) });
    rows.push({ metric: `${on}: API export.csv time to first byte (target ≤ 200 ms)`, value: round(apiFirst), unit: "ms", reference: "COPY's first byte", referenceValue: round(copyFirst) });
    // The header goes out before any row is read; the first row is the first slice's query.
    const apiFirstRow = median(apiPasses.map((p) => p.firstRowMs));
    rows.push({ metric: `${on}: API export.csv time to first data row`, value: round(apiFirstRow), unit: "ms", reference: "COPY's first byte", referenceValue: round(copyFirst) });
    for (const m of [atSmall, atTotal]) {
      rows.push([`${on}: API memory while streaming ${m.rows} rows (${m.rows * 10} cells): peak RSS / heap / live heap growth, MiB`, m.memory]);
    }
  } finally {
    await client?.end();
    await target.close();
  }
  return rows;
}

const rows = await measure(await embeddedDb());
const real = await realDb();
rows.push(...(real ? await measure(real) : [[`Postgres: export`, skippedRealService("Postgres", "BENCH_DATABASE_URL or SLUICE_TEST_DATABASE_URL")] as [string, string]]));
report("export", rows);
