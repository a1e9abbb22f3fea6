/**
 * How cost grows. (1) Runs: 100, 1,000 and 10,000 documents of a ten-field definition through the
 * engine (in process, as `npm start` wires it): time per document (ratio to the 1,000-document
 * figure of the same run: target ≤ 1.2×), deliveries/s and the process's peak RSS. A run takes at
 * most 1,000 documents (MAX_DOCUMENTS), so a size above that is several 1,000-document runs
 * created together. Creation is not timed (deliveries are held until every run exists).
 * (2) Data products of 100k and 1M rows, seeded in SQL (the engine is not what is measured): the
 * API's export time per row (ratio to the smallest product's), time to the first data row and
 * peak RSS / live heap growth while streaming. (3) On Postgres, EXPLAIN ANALYZE of the hot
 * statements at the largest sizes: a delivery's claim and finish, a rows page, an export slice, the
 * review listing; each figure names the indexes its plan used; BENCH_SCALE_PLANS=<file> writes the
 * whole plans there. On PGlite and Postgres.
 * Usage: BENCH_SCALE_DOCUMENTS=100,1000,10000 BENCH_SCALE_ROWS=100000,1000000
 *        BENCH_SCALE_PGLITE_ROWS=100000 [BENCH_SCALE_TARGET=embedded|postgres] npx tsx scripts/bench-scale.ts
 *        (PGlite holds its data in memory; a 10,000-document run takes long on a loaded machine)
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { CompiledQuery, sql, type KyselyPlugin } from "kysely";
import { bootstrapOrganization } from "../src/bootstrap";
import { compose } from "../src/entry/compose";
import { consumeDelivery } from "../src/deliveries/route";
import { csvColumns } from "../src/data-products/csv";
import { readExportSlice, readRows } from "../src/db/queries/data-products";
import { listReviewItems } from "../src/db/queries/reviews";
import type { Db } from "../src/db/types";
import { benchConfig, describe, embeddedDb, realDb, report, round, toJson, silent, skippedRealService, type BenchDb, type Figure } from "./bench/targets";

const sizes = (name: string, fallback: string) => (process.env[name] ?? fallback).split(",").map(Number).filter((n) => n > 0);
const documentSizes = sizes("BENCH_SCALE_DOCUMENTS", "100,1000,10000");
const rowSizes = sizes("BENCH_SCALE_ROWS", "100000,1000000");
const pgliteRowSizes = sizes("BENCH_SCALE_PGLITE_ROWS", "100000");
const plansFile = process.env.BENCH_SCALE_PLANS;
const RUN_LIMIT = 1000;
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => round(bytes / 2 ** 20, 3);
type Row = Figure | [string, string | number];

/** Keeps a figure for the report and shows it at once on stderr: a long run stopped early still shows what it measured. */
function record(rows: Row[], ...figures: Row[]) {
  rows.push(...figures);
  for (const figure of figures) console.error(describe(toJson("scale", figure)));
}

const fields = Array.from({ length: 10 }, (_, i) => ({
  name: `f${i}`, type: i % 2 ? "number" : "string", extract: [{ type: "label", labels: [`Field ${i}`] }],
}));
const phases = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }];
const text = (n: number) => fields.map((f, i) => `Field ${i}: ${i % 2 ? n * i : `value ${n}-${i}`}`).join("\n");

/** Peak RSS while `work` runs, sampled every 50 ms. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ value: T; peak: number; before: number }> {
  gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    return { value: await work(), peak: Math.max(peak, process.memoryUsage().rss), before };
  } finally {
    clearInterval(timer);
  }
}

/** While `on`, the last statement whose text matches each pattern, compiled as a delivery sent it (off while timing). */
function statementCatcher(patterns: Record<string, RegExp>) {
  const caught: Record<string, CompiledQuery> = {};
  const state = { on: false };
  const wrap = (db: Db): Db => db.withPlugin({
    transformQuery: ({ node }) => {
      if (!state.on) return node;
      const compiled = db.getExecutor().compileQuery(node, { queryId: "catch" } as never);
      for (const [name, pattern] of Object.entries(patterns)) if (pattern.test(compiled.sql)) caught[name] = compiled;
      return node;
    },
    transformResult: async ({ result }) => result,
  } satisfies KyselyPlugin);
  return { caught, state, wrap };
}

async function runCurve(target: BenchDb, rows: Row[], catcher: ReturnType<typeof statementCatcher>) {
  const handle = { ...target.handle, db: catcher.wrap(target.handle.db), background: catcher.wrap(target.handle.background) };
  const { app, embeddedQueue, services } = compose(benchConfig(), handle, { logger: silent });
  const queue = embeddedQueue!;
  const { api_key } = await bootstrapOrganization(services.db, "bench");
  let held = Promise.resolve();
  let release: () => void = () => undefined;
  queue.consume(async (delivery) => {
    await held;
    return consumeDelivery(services, delivery);
  });
  const create = async (count: number) => {
    const body = JSON.stringify({ fields, phases, documents: Array.from({ length: count }, (_, n) => ({ text: text(n) })) });
    const res = await app.request("/v1/pipelines", { method: "POST", headers: { "X-API-Key": api_key, "content-type": "application/json" }, body });
    if (res.status !== 202) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  };
  await create(50).then(() => queue.idle()); // warm-up
  const perDocument = new Map<number, number>();
  for (const n of documentSizes) {
    held = new Promise<void>((resolve) => (release = resolve));
    for (let made = 0; made < n; made += RUN_LIMIT) await create(Math.min(RUN_LIMIT, n - made));
    const delivered = queue.stats().delivered;
    const { value: seconds, peak, before } = await peakRss(async () => {
      const started = performance.now();
      release();
      await queue.idle();
      return (performance.now() - started) / 1000;
    });
    const deliveries = queue.stats().delivered - delivered;
    perDocument.set(n, (seconds * 1000) / n);
    const reference = perDocument.get(1000);
    const runs = Math.ceil(n / RUN_LIMIT);
    record(rows, {
      metric: `${target.name}: time per document, ${n} documents (${runs > 1 ? `${runs} runs of ≤ 1,000` : "one run"}; target ≤ 1.2× at 10,000)`,
      value: round((seconds * 1000) / n), unit: "ms",
      ...(reference && n !== 1000 ? { reference: "time per document at 1,000 documents", referenceValue: round(reference) } : {}),
    });
    record(rows, { metric: `${target.name}: deliveries/s, ${n} documents (${deliveries} deliveries)`, value: round(deliveries / seconds), unit: "deliveries/s" });
    record(rows, { metric: `${target.name}: process RSS, ${n} documents: before / peak`, value: `${mib(before)} / ${mib(peak)}`, unit: "MiB" });
  }
  // One more small run, its statements caught for EXPLAIN with the documents table at its largest.
  catcher.state.on = true;
  await create(5).then(() => queue.idle());
  catcher.state.on = false;
  return { app, services, apiKey: api_key };
}

/** A ten-field product whose published generation gets `count` rows written straight into the table. */
async function seededProduct(call: (path: string, init?: RequestInit) => Promise<Response>, db: Db, organizationId: string) {
  const definition = { fields, phases, documents: [{ text: text(0) }] };
  const run = await (await call("/v1/pipelines/sync", { method: "POST", body: JSON.stringify(definition) })).json();
  const pipelineId: string = run.id;
  let rows = 1;
  const grow = async (count: number) => {
    const cell = (i: number) => i % 2
      ? sql`jsonb_build_object('value', g * ${i} + 0.5, 'status', 'completed', 'type', 'number', 'reason', null, 'claimed_by', null, 'resolved_by', 'extraction:label', 'meta', '{}'::jsonb)`
      : sql`jsonb_build_object('value', 'row ' || g || ', "field" ${sql.raw(String(i))}', 'status', 'completed', 'type', 'string', 'reason', null, 'claimed_by', null, 'resolved_by', 'extraction:label', 'meta', '{}'::jsonb)`;
    const cells = sql.join(fields.map((f, i) => sql`${f.name}::text, ${cell(i)}`));
    // In batches: one statement for a million rows would hold a million rows' worth of WAL and memory.
    for (let from = rows + 1; from <= count; from += 100_000) {
      const to = Math.min(count, from + 99_999);
      await sql`insert into documents (pipeline_id, organization_id, ordinal, source, status, cells, phase_index)
                select ${pipelineId}, ${organizationId}, g, '{}'::jsonb, 'complete', '{}'::jsonb, 3 from generate_series(${from}::int, ${to}::int) g`.execute(db);
      await sql`insert into document_versions (pipeline_id, generation, ordinal, document_id, status, cells)
                select d.pipeline_id, 1, d.ordinal, d.id, 'complete', jsonb_build_object(${cells}) from documents d
                cross join lateral (select d.ordinal as g) o
                where d.pipeline_id = ${pipelineId} and d.ordinal between ${from}::int and ${to}::int`.execute(db);
    }
    rows = count;
    await sql`analyze documents`.execute(db);
    await sql`analyze document_versions`.execute(db);
  };
  const { dataProduct } = await (await call(`/v1/pipelines/${pipelineId}/data-product`, { method: "POST", body: "{}" })).json();
  return { pipelineId, productId: dataProduct.id as string, grow };
}

/** Streams an export; time, time to the first data row, bytes, rows, peak RSS and live heap growth. */
async function timedExport(call: (path: string) => Promise<Response>, productId: string) {
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let liveHeap = heapBefore;
  const { value, peak, before } = await peakRss(async () => {
    const started = performance.now();
    const res = await call(`/v1/data-products/${productId}/export.csv`);
    let lines = 0;
    let chunks = 0;
    let firstRowMs = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      if (lines >= 2 && firstRowMs === 0) firstRowMs = performance.now() - started;
      if (gc && ++chunks % 20 === 0) {
        gc();
        liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
      }
    }
    return { seconds: (performance.now() - started) / 1000, firstRowMs, rows: lines - 1 };
  });
  return { ...value, rssGrowth: peak - before, liveGrowth: liveHeap - heapBefore };
}

async function exportCurve(target: BenchDb, rows: Row[], app: ReturnType<typeof compose>["app"], apiKey: string, db: Db, organizationId: string, counts: number[]) {
  const call = async (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { "X-API-Key": apiKey, "content-type": "application/json", ...init.headers } });
  const product = await seededProduct(call, db, organizationId);
  let perRow: number | undefined;
  for (const count of counts) {
    await product.grow(count);
    if (count === counts[0]) await timedExport(call, product.productId); // warm-up: JIT and pool
    const m = await timedExport(call, product.productId);
    const us = (m.seconds * 1e6) / m.rows;
    perRow ??= us;
    record(rows, {
      metric: `${target.name}: export time per row, ${m.rows} rows × 10 fields`, value: round(us), unit: "µs",
      ...(count !== counts[0] ? { reference: `per row at ${counts[0]} rows`, referenceValue: round(perRow) } : {}),
    });
    record(rows, { metric: `${target.name}: export time to first data row, ${m.rows} rows`, value: round(m.firstRowMs), unit: "ms" });
    record(rows, { metric: `${target.name}: export memory, ${m.rows} rows: peak RSS growth / live heap growth`, value: `${mib(m.rssGrowth)} / ${mib(m.liveGrowth)}`, unit: "MiB" });
  }
  return product;
}

/** Review items on a product's rows (one per 100), half of them decided, so the listing has something to list. */
async function seedReviews(db: Db, organizationId: string, pipelineId: string) {
  const key = await db.selectFrom("api_keys").select("id").where("organization_id", "=", organizationId).executeTakeFirstOrThrow();
  await sql`insert into review_items (organization_id, pipeline_id, document_id, field, gate, phase_index, reason, candidate, status, decided_at)
            select organization_id, pipeline_id, id, 'f1', 'g', 3, '{"code":"gate_failed"}'::jsonb, '1'::jsonb,
                   case when ordinal % 200 = 0 then 'decided' else 'open' end, case when ordinal % 200 = 0 then now() end
            from documents where pipeline_id = ${pipelineId} and ordinal % 100 = 0`.execute(db);
  await sql`insert into review_decisions (organization_id, pipeline_id, document_id, review_item_id, field, gate, decision, decided_by)
            select organization_id, pipeline_id, document_id, id, field, gate, 'approve', ${key.id}
            from review_items where pipeline_id = ${pipelineId} and status = 'decided'`.execute(db);
  await sql`analyze review_items`.execute(db);
  await sql`analyze review_decisions`.execute(db);
}

/**
 * EXPLAIN ANALYZE in a transaction that is rolled back (the claim and the finish write), twice: the
 * second plan is kept, so the figure is not the cold read of pages the seeding pushed out of cache.
 * A caught claim or finish matches no row any more (its document moved on): the plan and its index
 * lookups are the figure, not the work of a write.
 */
async function explain(db: Db, name: string, query: CompiledQuery): Promise<Figure> {
  let plan = "";
  for (let pass = 0; pass < 2; pass++) await db.transaction().execute(async (trx) => {
    const result = await trx.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]));
    plan = result.rows.map((r) => r["QUERY PLAN"]).join("\n");
    throw new Rollback();
  }).catch((error) => {
    if (!(error instanceof Rollback)) throw error;
  });
  if (plansFile) appendFileSync(plansFile, `## ${name}\n${plan}\n\n`);
  const indexes = [...new Set([...plan.matchAll(/(?:Index|Index Only) Scan(?: Backward)? using (\S+)/g), ...plan.matchAll(/Bitmap Index Scan on (\S+)/g)].map((m) => m[1]))];
  const seqScans = [...new Set([...plan.matchAll(/Seq Scan on (\S+)/g)].map((m) => m[1]))];
  const ms = Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? NaN);
  const uses = `${indexes.join(", ") || "no index"}${seqScans.length ? `; seq scan: ${seqScans.join(", ")}` : ""}`;
  return { metric: `EXPLAIN ANALYZE ${name} (${uses})`, value: round(ms), unit: "ms" };
}

class Rollback extends Error {}

const rows: Row[] = [];
if (plansFile) writeFileSync(plansFile, "");
const only = process.env.BENCH_SCALE_TARGET; // "embedded" or "postgres": one target per process, to run both at once
for (const open of [embeddedDb, realDb].filter((_, i) => !only || only === ["embedded", "postgres"][i])) {
  const target = await open();
  if (!target) {
    record(rows, [`Postgres: scale`, skippedRealService("Postgres", "BENCH_DATABASE_URL or SLUICE_TEST_DATABASE_URL")]);
    continue;
  }
  try {
    const catcher = statementCatcher({ claim: /phase_starts = phase_starts \+ 1/, finish: /insert into document_versions/ });
    const { app, services, apiKey } = await runCurve(target, rows, catcher);
    const org = await services.db.selectFrom("organizations").select("id").where("name", "=", "bench").executeTakeFirstOrThrow();
    const isPglite = target.name.startsWith("embedded");
    const product = await exportCurve(target, rows, app, apiKey, services.db, org.id, isPglite ? pgliteRowSizes : rowSizes);
    if (isPglite) continue;
    await seedReviews(services.db, org.id, product.pipelineId);
    const largest = rowSizes.at(-1)!;
    const middle = Math.floor(largest / 2);
    const columns = csvColumns(fields, {});
    const compile = (build: (db: Db) => Promise<unknown>) => {
      let caught: CompiledQuery | undefined;
      const db = services.db.withPlugin({
        transformQuery: ({ node }) => ((caught = services.db.getExecutor().compileQuery(node, { queryId: "x" } as never)), node),
        transformResult: async ({ result }) => result,
      });
      return build(db).then(() => caught!);
    };
    for (const name of ["claim", "finish"] as const) {
      const query = catcher.caught[name];
      if (query) record(rows, await explain(services.db, `delivery ${name} (${documentSizes.at(-1)} documents)`, query));
    }
    record(rows, await explain(services.db, `rows page (100 rows after ordinal ${middle} of ${largest})`,
      await compile((db) => readRows(db, product.pipelineId, 1, middle, 100))));
    record(rows, await explain(services.db, `export slice (10,000 rows from ordinal ${middle} of ${largest})`,
      await compile((db) => readExportSlice(db, product.pipelineId, 1, columns, middle, middle + 10_000))));
    record(rows, await explain(services.db, `review listing (open, 50 from offset 1,000, ${largest / 100} items)`,
      await compile((db) => listReviewItems(db, product.pipelineId, "open", 50, 1000))));
    record(rows, await explain(services.db, `review listing (all, 50 from offset 0)`,
      await compile((db) => listReviewItems(db, product.pipelineId, undefined, 50, 0))));
  } finally {
    await target.close();
  }
}
report("scale", rows);
