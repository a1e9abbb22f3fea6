/**
 * Phase engine throughput: N documents × M fields through transfer, extraction, resolution and
 * validation, on the embedded defaults and on real Postgres (Neon driver), with the in-process
 * queue delivering signed messages to the real delivery endpoint.
 * Usage: npx tsx scripts/bench-engine.ts [documents=500] [fields=10]
 */
import { compose } from "../src/entry/compose";
import { bootstrapOrganization } from "../src/bootstrap";
import { benchConfig, embeddedDb, realDb, report, silent, type BenchDb } from "./bench/targets";

const documents = Number(process.argv[2] ?? 500);
const fieldCount = Number(process.argv[3] ?? 10);

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
  // As many deliveries in flight as a small deployment would see; PGlite serialises them anyway.
  const { api_key } = await bootstrapOrganization(services.db, "bench");
  const body = JSON.stringify({ fields, phases, documents: Array.from({ length: documents }, (_, n) => ({ text: text(n) })) });
  const started = performance.now();
  const res = await app.request("/v1/pipelines", { method: "POST", headers: { "X-API-Key": api_key, "content-type": "application/json" }, body });
  if (res.status !== 202) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const { id } = await res.json();
  const afterCreate = target.handle.roundTrips();
  await embeddedQueue!.idle();
  const seconds = (performance.now() - started) / 1000;
  const handlerTrips = target.handle.roundTrips() - afterCreate;
  const detail = await (await app.request(`/v1/pipelines/${id}`, { headers: { "X-API-Key": api_key } })).json();
  if (detail.documents_by_state.complete !== documents) throw new Error(`expected ${documents} complete, got ${JSON.stringify(detail.documents_by_state)}`);
  return { seconds, perPhase: handlerTrips / (documents * phases.length) };
}

const rows: Array<[string, string | number]> = [];
for (const open of [embeddedDb, realDb]) {
  const target = await open();
  if (!target) {
    rows.push(["Postgres (Neon driver)", "skipped: set BENCH_DATABASE_URL or SLUICE_TEST_DATABASE_URL"]);
    continue;
  }
  try {
    const { seconds, perPhase } = await run(target);
    rows.push([`${target.name}: documents/s (${documents} docs × ${fieldCount} fields, 4 phases)`, (documents / seconds).toFixed(1)]);
    rows.push([`${target.name}: round trips per document per phase`, perPhase.toFixed(2)]);
  } finally {
    await target.close();
  }
}
report("engine", rows);
