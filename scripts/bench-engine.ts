/**
 * Phase engine throughput: N documents × M fields through transfer, extraction, resolution and
 * validation, on the embedded defaults (PGlite in memory, in-process queue) and on real Postgres
 * through the Neon driver (still the in-process queue: QStash is not reachable locally).
 * Round trips: the statement counter of the DbHandle, read when the create request has answered
 * and again when the queue is idle; deliveries are held until the first reading, so the
 * difference is handler work only, divided by documents × phases.
 * Usage: npx tsx scripts/bench-engine.ts [documents=500] [fields=10]  (or BENCH_DOCUMENTS, BENCH_FIELDS)
 */
import { compose } from "../src/entry/compose";
import { bootstrapOrganization } from "../src/bootstrap";
import { benchConfig, embeddedDb, numberArg, percentile, realDb, report, silent, skippedRealService, type BenchDb } from "./bench/targets";

const documents = numberArg(0, "BENCH_DOCUMENTS", 500);
const fieldCount = numberArg(1, "BENCH_FIELDS", 10);

const fields = Array.from({ length: fieldCount }, (_, i) => ({
  name: `f${i}`, type: i % 3 === 0 ? "number" : i % 3 === 1 ? "date" : "string", required: true,
  extract: [{ type: "label", labels: [`Field ${i}`] }],
}));
const phases = [
  { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
  { type: "validation", gates: [{ id: "g", mode: "blocking", rules: fields.map((f) => ({ rule: "required", field: f.name })) }] },
];
const text = (n: number) => fields.map((f, i) => `Field ${i}: ${i % 3 === 0 ? `${n},${i}0` : i % 3 === 1 ? "2024-04-03" : `value-${n}-${i}`}`).join("\n");

async function run(target: BenchDb) {
  const { app, embeddedQueue, services } = compose(benchConfig(), target.handle, { logger: silent });
  const queue = embeddedQueue!;
  const { api_key } = await bootstrapOrganization(services.db, "bench");
  let release!: () => void;
  const createAnswered = new Promise<void>((resolve) => (release = resolve));
  const deliveryMs: number[] = [];
  queue.attach(async (request) => {
    await createAnswered;
    const started = performance.now();
    const response = await app.fetch(request);
    deliveryMs.push(performance.now() - started);
    return response;
  });
  const body = JSON.stringify({ fields, phases, documents: Array.from({ length: documents }, (_, n) => ({ text: text(n) })) });
  const started = performance.now();
  const res = await app.request("/v1/pipelines", { method: "POST", headers: { "X-API-Key": api_key, "content-type": "application/json" }, body });
  if (res.status !== 202) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const { id } = await res.json();
  const beforeHandlers = target.handle.roundTrips();
  release();
  await queue.idle();
  const seconds = (performance.now() - started) / 1000;
  const handlerTrips = target.handle.roundTrips() - beforeHandlers;
  const detail = await (await app.request(`/v1/pipelines/${id}`, { headers: { "X-API-Key": api_key } })).json();
  // A sanity check, not a verdict: figures from a run that did not finish would mean nothing.
  if (detail.documents_by_state.complete !== documents) throw new Error(`expected ${documents} complete, got ${JSON.stringify(detail.documents_by_state)}`);
  return { seconds, handlerTrips, deliveries: queue.stats().delivered, deliveryMs };
}

const shape = `${documents} docs × ${fieldCount} fields × ${phases.length} phases`;
const rows: Array<[string, string | number]> = [];
for (const open of [embeddedDb, realDb]) {
  const target = await open();
  if (!target) {
    rows.push(["Postgres (Neon driver)", skippedRealService("Postgres", "BENCH_DATABASE_URL or SLUICE_TEST_DATABASE_URL")]);
    continue;
  }
  try {
    const { seconds, handlerTrips, deliveries, deliveryMs } = await run(target);
    rows.push([`${target.name}: documents/s end to end (${shape})`, (documents / seconds).toFixed(1)]);
    rows.push([`${target.name}: round trips per document per phase, handlers only (target ≤ 2)`, (handlerTrips / (documents * phases.length)).toFixed(2)]);
    rows.push([`${target.name}: deliveries made (documents × phases = ${documents * phases.length})`, deliveries]);
    rows.push([`${target.name}: delivery latency p50 / p99 ms (queue at its default concurrency)`, `${percentile(deliveryMs, 0.5, 1)} / ${percentile(deliveryMs, 0.99, 1)}`]);
  } finally {
    await target.close();
  }
}
report("engine", rows);
