/**
 * Phase engine throughput: deliveries/s of N documents × M fields through transfer, extraction,
 * resolution and validation, against the reference of replaying the very SQL those deliveries
 * sent (recorded per delivery, same parameters, same order per document, same concurrency) through
 * the same driver. The ratio is what the engine adds on top of its own statements: message
 * validation, phase work, the queue (in process, as `npm start` wires it: messages go to the handler
 * without HTTP). A warm-up run goes first; the timed runs are created with their deliveries held,
 * so creation is not timed; engine and replay passes alternate. On the embedded defaults (PGlite in
 * memory) and on real Postgres through the Neon driver (still the in-process queue).
 * Usage: npx tsx scripts/bench-engine.ts [documents=500] [fields=10]  (or BENCH_DOCUMENTS, BENCH_FIELDS)
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { CompiledQuery, PostgresQueryCompiler, sql, type KyselyPlugin, type RootOperationNode } from "kysely";
import { bootstrapOrganization } from "../src/bootstrap";
import { compose } from "../src/entry/compose";
import { consumeDelivery } from "../src/deliveries/route";
import type { Db } from "../src/db/types";
import { benchConfig, embeddedDb, numberArg, percentile, realDb, report, round, silent, skippedRealService, type BenchDb, type Figure } from "./bench/targets";

const documents = numberArg(0, "BENCH_DOCUMENTS", 500);
const fieldCount = numberArg(1, "BENCH_FIELDS", 10);
const WARM_UP_DOCUMENTS = Math.min(100, documents);
const CONCURRENCY = 4; // the embedded queue's default
const PASSES = 5;

const fields = Array.from({ length: fieldCount }, (_, i) => ({
  name: `f${i}`, type: i % 3 === 0 ? "number" : i % 3 === 1 ? "date" : "string", required: true,
  extract: [{ type: "label", labels: [`Field ${i}`] }],
}));
const phases = [
  { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
  { type: "validation", gates: [{ id: "g", mode: "blocking", rules: fields.map((f) => ({ rule: "required", field: f.name })) }] },
];
const text = (n: number) => fields.map((f, i) => `Field ${i}: ${i % 3 === 0 ? `${n},${i}0` : i % 3 === 1 ? "2024-04-03" : `value-${n}-${i}`}`).join("\n");

/**
 * Statements grouped by the delivery that sent them, in the order each delivery started. Only the
 * (immutable) query trees are kept while the engine is timed; compiling them is left for afterwards.
 */
function recorder() {
  const current = new AsyncLocalStorage<RootOperationNode[]>();
  const deliveries: RootOperationNode[][] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      current.getStore()?.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return {
    plugin,
    deliveries,
    record: <T>(work: () => Promise<T>) => {
      const statements: RootOperationNode[] = [];
      deliveries.push(statements);
      return current.run(statements, work);
    },
    compiled: () => {
      const compiler = new PostgresQueryCompiler();
      return deliveries.map((statements) => statements.map((node) => compiler.compileQuery(node)));
    },
  };
}

/** Sends the recorded statements again, a delivery's after the same document's previous delivery. */
async function replay(db: Db, deliveries: CompiledQuery[][]): Promise<number> {
  const lastOfDocument = new Map<unknown, Promise<void>>();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < deliveries.length) {
      const statements = deliveries[next++];
      const documentId = statements[0]?.parameters[0];
      const previous = lastOfDocument.get(documentId);
      let done!: () => void;
      lastOfDocument.set(documentId, new Promise<void>((resolve) => (done = resolve)));
      await previous;
      for (const statement of statements) await db.executeQuery(statement);
      done();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - started) / 1000;
}

/** Keeps the timed run's starting state so the replay can start from it too. */
async function saveState(db: Db, pipelineId: string) {
  await sql`drop table if exists bench_documents, bench_pipeline`.execute(db);
  await sql`create table bench_documents as select id, status, phase_index, cells, parsed, page_count, error, cache_key
            from documents where pipeline_id = ${pipelineId}`.execute(db);
  await sql`create table bench_pipeline as select * from pipelines where id = ${pipelineId}`.execute(db);
}

async function restoreState(db: Db) {
  await sql`update documents d set status = b.status, phase_index = b.phase_index, cells = b.cells, parsed = b.parsed,
              page_count = b.page_count, error = b.error, cache_key = b.cache_key, swept_at = null
            from bench_documents b where b.id = d.id`.execute(db);
  await sql`update pipelines p set status = b.status, pending_count = b.pending_count, complete_count = b.complete_count,
              partial_count = b.partial_count, error_count = b.error_count, cancelled_count = b.cancelled_count,
              queue_messages = b.queue_messages, finished_at = b.finished_at,
              published_generation = b.published_generation, published_at = b.published_at
            from bench_pipeline b where b.id = p.id`.execute(db);
  await sql`delete from document_phases where document_id in (select id from bench_documents)`.execute(db);
  // The engine's terminal commits inserted these; left in place the replay's would be upserts instead.
  await sql`delete from document_versions where pipeline_id in (select id from bench_pipeline)`.execute(db);
}

async function run(target: BenchDb) {
  const rec = recorder();
  const handle = { ...target.handle, db: target.handle.db.withPlugin(rec.plugin) };
  const { app, embeddedQueue, services } = compose(benchConfig(), handle, { logger: silent });
  // As compose wires it, with the hold and the recording around the same consumer.
  const queue = embeddedQueue!;
  const { api_key } = await bootstrapOrganization(services.db, "bench");
  let recording = false;
  let release: () => void = () => undefined;
  let held = Promise.resolve();
  const deliveryMs: number[] = [];
  queue.consume(async (delivery) => {
    await held;
    if (!recording) return consumeDelivery(services, delivery);
    const started = performance.now();
    const receipt = await rec.record(async () => consumeDelivery(services, delivery));
    deliveryMs.push(performance.now() - started);
    return receipt;
  });
  const create = async (count: number) => {
    const body = JSON.stringify({ fields, phases, documents: Array.from({ length: count }, (_, n) => ({ text: text(n) })) });
    const res = await app.request("/v1/pipelines", { method: "POST", headers: { "X-API-Key": api_key, "content-type": "application/json" }, body });
    if (res.status !== 202) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const settled = async (id: string, count: number) => {
    const detail = await (await app.request(`/v1/pipelines/${id}`, { headers: { "X-API-Key": api_key } })).json();
    // A sanity check, not a verdict: figures from a run that did not finish would mean nothing.
    if (detail.documents_by_state.complete !== count) throw new Error(`expected ${count} complete, got ${JSON.stringify(detail.documents_by_state)}`);
  };

  await settled(await create(WARM_UP_DOCUMENTS).then(async (id) => (await queue.idle(), id)), WARM_UP_DOCUMENTS);
  const passes = { engine: [] as number[], replay: [] as number[] };
  let handlerTrips = 0;
  const waitForStats = target.name !== "embedded (PGlite)";
  const before = await updateCounts(target.handle.db, waitForStats);
  let deliveries = 0;
  // Engine and replay take turns so drift (other load on the machine, caches) hits both alike.
  for (let pass = 0; pass < PASSES; pass++) {
    held = new Promise<void>((resolve) => (release = resolve));
    const id = await create(documents);
    await saveState(target.handle.db, id);
    await sql`vacuum analyze`.execute(target.handle.db);
    const delivered = queue.stats().delivered;
    const beforeTrips = target.handle.roundTrips();
    rec.deliveries.length = 0;
    recording = true;
    const started = performance.now();
    release();
    await queue.idle();
    passes.engine.push((performance.now() - started) / 1000);
    recording = false;
    handlerTrips += target.handle.roundTrips() - beforeTrips;
    deliveries += queue.stats().delivered - delivered;
    await settled(id, documents);
    await restoreState(target.handle.db);
    await sql`vacuum analyze`.execute(target.handle.db);
    passes.replay.push(await replay(target.handle.db, rec.compiled()));
    await settled(id, documents);
  }
  const after = await updateCounts(target.handle.db, waitForStats);
  const hot = (after.hot - before.hot) / (after.updates - before.updates);
  // Each engine pass against the replay right after it: the pairs share the machine's load at the time.
  const paired = passes.engine.map((seconds, i) => passes.replay[i] / seconds).sort((a, b) => a - b);
  return { seconds: median(passes.engine), replaySeconds: median(passes.replay), paired, handlerTrips, deliveries, deliveryMs, hot };
}

/** Document updates so far and how many were heap-only (HOT): no index entries written. */
async function updateCounts(db: Db, waitForStats: boolean) {
  // Backends report their counters when idle; the embedded single backend can be told to now.
  if (waitForStats) await new Promise((resolve) => setTimeout(resolve, 11_000));
  else await sql`select pg_stat_force_next_flush()`.execute(db);
  const result = await sql<{ updates: string; hot: string }>`
    select n_tup_upd as updates, n_tup_hot_upd as hot from pg_stat_user_tables where relname = 'documents'`.execute(db);
  return { updates: Number(result.rows[0].updates), hot: Number(result.rows[0].hot) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const shape = `${documents} docs × ${fieldCount} fields × ${phases.length} phases`;
const rows: Figure[] = [];
for (const open of [embeddedDb, realDb]) {
  const target = await open();
  if (!target) {
    rows.push({ metric: "Postgres (Neon driver)", value: skippedRealService("Postgres", "BENCH_DATABASE_URL or SLUICE_TEST_DATABASE_URL"), unit: "" });
    continue;
  }
  try {
    const { seconds, replaySeconds, paired, handlerTrips, deliveries, deliveryMs, hot } = await run(target);
    rows.push({
      metric: `${target.name}: deliveries/s (${shape}, after a warm-up, creation not timed, median of ${PASSES})`,
      value: round(deliveries / PASSES / seconds), unit: "deliveries/s",
      reference: "replay of the same deliveries' SQL, same driver and concurrency (target ratio ≥ 0.8)",
      referenceValue: round(deliveries / PASSES / replaySeconds),
    });
    rows.push({
      metric: `${target.name}: engine ÷ replay of each pass with the replay right after it (lowest, median, highest of ${PASSES})`,
      value: [paired[0], median(paired), paired[paired.length - 1]].map((ratio) => round(ratio, 2)).join(" / "),
      unit: "",
    });
    rows.push({ metric: `${target.name}: documents/s end to end`, value: round(documents / seconds), unit: "documents/s" });
    rows.push({ metric: `${target.name}: round trips per delivery, handlers only (target ≤ 2)`, value: round(handlerTrips / deliveries), unit: "round trips" });
    rows.push({ metric: `${target.name}: document updates that were HOT (engine, replay and the replay's reset)`, value: round(hot * 100), unit: "%" });
    rows.push({ metric: `${target.name}: deliveries made (documents × phases = ${documents * phases.length})`, value: deliveries / PASSES, unit: "" });
    rows.push({ metric: `${target.name}: delivery latency p50`, value: Number(percentile(deliveryMs, 0.5, 1)), unit: "ms" });
    rows.push({ metric: `${target.name}: delivery latency p99`, value: Number(percentile(deliveryMs, 0.99, 1)), unit: "ms" });
  } finally {
    await target.close();
  }
}
report("engine", rows);
