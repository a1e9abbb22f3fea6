/**
 * CSV export: rows/second through the API (streamed, holdback and formula-neutralising applied)
 * against Postgres' own `COPY (…) TO STDOUT (FORMAT csv)` over the same rows, in one run, and the
 * API's peak memory at 10k and at 100k rows. Needs real Postgres (PGlite has no COPY stream here).
 * Usage: npx tsx scripts/bench-export.ts [rows=100000]
 */
import { spawn } from "node:child_process";
import { sql } from "kysely";
import { bootstrapOrganization } from "../src/bootstrap";
import { compose } from "../src/entry/compose";
import { benchConfig, realDb, report, silent } from "./bench/targets";

const totalRows = Number(process.argv[2] ?? 100_000);
const FIELDS = Array.from({ length: 10 }, (_, i) => `f${i}`);

const target = await realDb();
if (!target) {
  report("export", [["export", "skipped: set BENCH_DATABASE_URL or SLUICE_TEST_DATABASE_URL"]]);
  process.exit(0);
}
const { app, services } = compose(benchConfig(), target.handle, { logger: silent });
const { api_key, organization_id } = await bootstrapOrganization(services.db, "bench");
const call = (path: string, init: RequestInit = {}) =>
  app.request(path, { ...init, headers: { "X-API-Key": api_key, "content-type": "application/json", ...init.headers } });

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
  await sql`analyze documents`.execute(services.db);
}

async function apiExport(productId: string) {
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 10);
  const started = performance.now();
  const res = await call(`/v1/data-products/${productId}/export.csv`);
  let bytes = 0;
  let newlines = 0;
  // Live memory: with --expose-gc, collect every few chunks and keep the largest heap that survives.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const liveBaseline = process.memoryUsage().heapUsed;
  let peakLive = liveBaseline;
  let chunks = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) newlines++;
    if (gc && ++chunks % 10 === 0) {
      gc();
      peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const mb = (n: number) => n / 2 ** 20;
  return { seconds, bytes, rows: newlines - 1, rssMb: mb(peakRss - baseline.rss), heapMb: mb(peakHeap - baseline.heapUsed), liveMb: gc ? mb(peakLive - liveBaseline) : null };
}

async function timedExport(productId: string) {
  const started = performance.now();
  const res = await call(`/v1/data-products/${productId}/export.csv`);
  for await (const _chunk of res.body as unknown as AsyncIterable<Uint8Array>);
  return (performance.now() - started) / 1000;
}

function copyExport(): Promise<{ seconds: number; bytes: number }> {
  const columns = FIELDS.map((f) => `cells->'${f}'->>'value'`).join(", ");
  const query = `COPY (select ${columns} from documents where pipeline_id = '${pipelineId}' and status in ('complete','partial') order by ordinal) TO STDOUT (FORMAT csv, HEADER)`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const psql = spawn("psql", [target!.url!, "-X", "-q", "-c", query]);
    let bytes = 0;
    psql.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
    psql.on("error", reject);
    psql.on("close", (code) => (code === 0 ? resolve({ seconds: (performance.now() - started) / 1000, bytes }) : reject(new Error(`psql exited ${code}`))));
  });
}

const rows: Array<[string, string | number]> = [];
try {
  const small = Math.min(10_000, totalRows);
  await addRows(1, small);
  const { dataProduct } = await (await call(`/v1/pipelines/${pipelineId}/data-product`, { method: "POST", body: "{}" })).json();
  await apiExport(dataProduct.id); // warm-up: JIT and connection pool
  const atSmall = await apiExport(dataProduct.id);
  if (totalRows > small) await addRows(small + 1, totalRows);
  const api = await apiExport(dataProduct.id);
  const copy = await copyExport();
  // Timing without forced collections: measured on a separate pass when --expose-gc is on.
  const timed = (globalThis as { gc?: unknown }).gc ? await timedExport(dataProduct.id) : api.seconds;
  const apiRate = api.rows / timed;
  const copyRate = api.rows / copy.seconds;
  rows.push([`API export.csv rows/s (${api.rows} rows × 10 fields, ${(api.bytes / 2 ** 20).toFixed(1)} MiB)`, apiRate.toFixed(0)]);
  rows.push([`Postgres COPY TO STDOUT (psql) rows/s, same rows`, copyRate.toFixed(0)]);
  rows.push(["API / COPY time ratio (target ≤ 2)", (timed / copy.seconds).toFixed(2)]);
  for (const m of [atSmall, api]) {
    const live = m.liveMb === null ? "n/a (run with node --expose-gc)" : m.liveMb.toFixed(1);
    rows.push([`API memory at ${m.rows} rows: peak RSS growth / peak heap growth / live heap growth (MiB)`, `${m.rssMb.toFixed(1)} / ${m.heapMb.toFixed(1)} / ${live}`]);
  }
} finally {
  await target.close();
}
report("export", rows);
