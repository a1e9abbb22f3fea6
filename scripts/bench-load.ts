/**
 * Load (issue #26 item 6): the Node entry as `npm start` runs it, in its own process on a real
 * socket; WRITERS clients each create 10-document runs back to back while READERS clients read a
 * data product's rows, GET /v1/pipelines/{id} and /healthz in turn. Prints errors, socket resets,
 * read p50/p99/max and /healthz p99, each next to its target (100 ms) and to the same reads on the
 * idle server measured first in the same run; and documents created/s against finished/s once warm
 * (after the first third). Embedded (PGlite); also on real Postgres + Redis when BENCH_DATABASE_URL
 * and BENCH_REDIS_URL are set.
 * Usage: npx tsx scripts/bench-load.ts [seconds=30] [writers=50] [readers=20]
 * (or BENCH_LOAD_SECONDS, BENCH_LOAD_WRITERS, BENCH_LOAD_READERS; `npm run bench` runs 10 s).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedisRestFront } from "../test/support/redis-rest";
import { numberArg, percentile, realDb, realRedisUrl, report, round, skippedRealService, type Figure } from "./bench/targets";

// Inside `npm run bench` (which sets BENCH_JSON) a shorter run keeps the whole suite bearable.
const seconds = numberArg(0, "BENCH_LOAD_SECONDS", process.env.BENCH_JSON ? 10 : 30);
const writers = numberArg(1, "BENCH_LOAD_WRITERS", 50);
const readers = numberArg(2, "BENCH_LOAD_READERS", 20);
const TARGET_MS = 100;
const IDLE_SECONDS = 3;
const entry = new URL("../src/entry/node.ts", import.meta.url).pathname;
const definition = {
  fields: [
    { name: "invoice", type: "string", extract: [{ type: "label", labels: ["Invoice"] }] },
    { name: "total", type: "number", extract: [{ type: "label", labels: ["Total"] }] },
    { name: "due", type: "date", extract: [{ type: "label", labels: ["Due"] }] },
  ],
  phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
};
const documents = (n: number) => Array.from({ length: 10 }, (_, i) => ({
  text: `ACME Supplies\nInvoice: INV-${n}-${i}\nDue: 2026-12-${String(1 + (i % 28)).padStart(2, "0")}\nTotal: ${(n * 10 + i) % 997}.50`,
}));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Counts what went wrong, by kind: a reset is a socket closed under a request (what #26 saw as ECONNRESET). */
class Outcomes {
  errors = 0;
  resets = 0;
  examples = new Set<string>();
  async call(base: string, path: string, init: RequestInit = {}): Promise<Response | null> {
    try {
      const res = await fetch(`${base}${path}`, init);
      if (res.ok) return res;
      this.errors++;
      this.examples.add(`${init.method ?? "GET"} ${path.replace(/[0-9a-f-]{36}/g, "{id}")} ${res.status} ${(await res.text()).slice(0, 120)}`);
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      if (/ECONNRESET|UND_ERR_SOCKET|EPIPE|other side closed/.test(code)) this.resets++;
      else this.errors++;
      this.examples.add(`${init.method ?? "GET"} ${path.replace(/[0-9a-f-]{36}/g, "{id}")}: ${code}`);
    }
    return null;
  }
}

interface Target {
  name: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

async function startServer(target: Target): Promise<{ base: string; key: string; child: ChildProcess; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-load-"));
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: { ...process.env, ...target.env, PORT: String(port), SLUICE_DATA_DIR: dataDir, PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_LIMIT_REQUESTS: "100000000" },
    // Its log lines (one per request; warnings when stopped with work queued) are written, not read here.
    stdio: ["ignore", "ignore", "ignore"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 250) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before answering`);
    if (waited > 120_000) throw new Error("server did not answer /healthz within 120 s");
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const key = target.env.SLUICE_BENCH_KEY ?? readFileSync(join(dataDir, "admin-key"), "utf8").trim();
  return { base, key, child, dataDir };
}

type Row = Parameters<typeof report>[1][number];

async function measure(target: Target): Promise<Row[]> {
  const { base, key, child, dataDir } = await startServer(target);
  const json = { "X-API-Key": key, "content-type": "application/json" };
  const outcomes = new Outcomes();
  const post = (path: string, body: unknown) => outcomes.call(base, path, { method: "POST", headers: json, body: JSON.stringify(body) });

  // What the readers read: one finished run and its data product.
  const seed = await (await post("/v1/pipelines/sync", { ...definition, documents: documents(0) }))!.json() as { id: string };
  const product = await (await post(`/v1/pipelines/${seed.id}/data-product`, {}))!.json() as { dataProduct: { id: string } };
  const reads = [`/v1/data-products/${product.dataProduct.id}/rows?limit=10`, `/v1/pipelines/${seed.id}`, "/healthz"];

  /** READERS clients reading in turn until `until`; latencies per path. */
  const readLoad = async (until: number) => {
    const latencies = new Map<string, number[]>(reads.map((path) => [path, []]));
    await Promise.all(Array.from({ length: readers }, async (_, r) => {
      for (let i = r; performance.now() < until; i++) {
        const path = reads[i % reads.length];
        const started = performance.now();
        const res = await outcomes.call(base, path, { headers: json });
        if (res) {
          await res.arrayBuffer();
          latencies.get(path)!.push(performance.now() - started);
        }
      }
    }));
    return latencies;
  };

  // The first second warms the server (JIT, caches, connections) and is not counted.
  await readLoad(performance.now() + 1000);
  const idle = await readLoad(performance.now() + IDLE_SECONDS * 1000);
  const idleErrors = outcomes.errors + outcomes.resets;

  // Under load: writers create runs back to back; a monitor counts documents not yet finished.
  const started = performance.now();
  const until = started + seconds * 1000;
  const warmAt = started + (seconds * 1000) / 3;
  let created = 0;
  let createdWarm = 0;
  let runs = 0;
  const writing = Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let n = 1; performance.now() < until; n++) {
      const res = await post("/v1/pipelines", { ...definition, documents: documents(w * 100_000 + n) });
      if (!res) continue;
      await res.arrayBuffer();
      created += 10;
      runs++;
      if (performance.now() >= warmAt) createdWarm += 10;
    }
  }));
  const pendingNow = async () => {
    let pending = 0;
    for (let cursor: string | null = ""; cursor !== null;) {
      const res = await outcomes.call(base, `/v1/pipelines?status=running&limit=200${cursor ? `&cursor=${cursor}` : ""}`, { headers: json });
      if (!res) return null;
      const page = await res.json() as { items: Array<{ counts: { pending: number } }>; next_cursor: string | null };
      pending += page.items.reduce((sum, run) => sum + run.counts.pending, 0);
      cursor = page.next_cursor;
    }
    return pending;
  };
  const finishedAt = async () => {
    const before = created;
    const pending = await pendingNow();
    return pending === null ? null : { at: performance.now(), finished: before - pending };
  };
  await new Promise((resolve) => setTimeout(resolve, warmAt - performance.now()));
  const warm = await finishedAt();
  const loaded = readLoad(until);
  await writing;
  const end = await finishedAt();
  const latencies = await loaded;
  const elapsedWarm = (until - warmAt) / 1000;

  child.kill("SIGTERM");
  await once(child, "exit");
  rmSync(dataDir, { recursive: true, force: true });
  await target.close();

  const all = (m: Map<string, number[]>, only?: string) => [...m].filter(([p]) => !only || p === only).flatMap(([, v]) => v);
  const docPerSecond = (n: number) => round(n / elapsedWarm);
  const finishedRate = warm && end ? (end.finished - warm.finished) / ((end.at - warm.at) / 1000) : Number.NaN;
  const at = target.name;
  const idleRef = "the same reads on the idle server, same run";
  if (outcomes.examples.size > 0) console.error(`${at}: ${[...outcomes.examples].slice(0, 5).join(" | ")}`);
  const figure = (metric: string, samples: number[], q: number, idleSamples: number[]): Figure[] => [
    { metric: `${at}: ${metric} under load`, value: Number(q === 1 ? Math.max(...samples).toFixed(1) : percentile(samples, q, 1)), unit: "ms", reference: `target ${TARGET_MS} ms`, referenceValue: TARGET_MS },
    { metric: `${at}: ${metric} under load, against idle`, value: Number(q === 1 ? Math.max(...samples).toFixed(1) : percentile(samples, q, 1)), unit: "ms", reference: idleRef, referenceValue: Number(q === 1 ? Math.max(...idleSamples).toFixed(1) : percentile(idleSamples, q, 1)) },
  ];
  const shape = `${writers} writers of 10-document runs, ${readers} readers, ${seconds} s`;
  return [
    [`${at}: load`, `${shape}; ${runs} runs created; ${all(latencies).length} reads under load, ${all(idle).length} idle`],
    [`${at}: errors (non-2xx or failed requests)`, outcomes.errors],
    [`${at}: socket resets`, outcomes.resets],
    [`${at}: errors on the idle server`, idleErrors],
    ...figure("reads (rows, run, /healthz) p50", all(latencies), 0.5, all(idle)),
    ...figure("reads p99", all(latencies), 0.99, all(idle)),
    ...figure("reads max", all(latencies), 1, all(idle)),
    ...figure("/healthz p99", all(latencies, "/healthz"), 0.99, all(idle, "/healthz")),
    ...figure("GET /v1/pipelines/{id} p99", all(latencies, reads[1]), 0.99, all(idle, reads[1])),
    { metric: `${at}: documents finished per second once warm (last ${round(elapsedWarm)} s)`, value: round(finishedRate), unit: "documents/s", reference: "documents created per second, same window", referenceValue: docPerSecond(createdWarm) },
    [`${at}: documents still pending when the writers stopped`, end ? created - end.finished : "unknown"],
  ];
}

const rows: Row[] = [];
rows.push(...await measure({ name: "embedded (PGlite)", env: {}, close: async () => undefined }));

const real = await realDb();
if (real && realRedisUrl) {
  const front = await startRedisRestFront({ redisUrl: realRedisUrl, token: "bench" });
  // The server process reaches the throwaway database through the same Neon proxy; its admin key is made here.
  const { bootstrapOrganization } = await import("../src/bootstrap");
  const { api_key } = await bootstrapOrganization(real.handle.db, "load");
  rows.push(...await measure({
    name: "Postgres + Redis",
    env: { DATABASE_URL: real.url!, NEON_WS_PROXY: real.wsProxy!, UPSTASH_REDIS_REST_URL: front.url, UPSTASH_REDIS_REST_TOKEN: front.token, SLUICE_BENCH_KEY: api_key },
    close: async () => {
      await front.close();
      await real.close();
    },
  }));
} else {
  await real?.close();
  rows.push(["Postgres + Redis: load", skippedRealService("Postgres and Redis", "BENCH_DATABASE_URL and BENCH_REDIS_URL")]);
}
report("load", rows);
