/**
 * HTTP throughput of the Node entry, apart from the database: `GET /v1/pipelines/{id}` through
 * @hono/node-server on a loopback port under autocannon, with every database answer replayed from
 * memory, against a bare Hono app answering the same path with the same bytes in the same run.
 * The ratio is what our stack (auth, rate limiter, request id, validation, serialisation) costs.
 * Also the same app on PGlite, against the same reference. Servers run in a child process, the
 * load generator here, so each has one of the machine's cores.
 * Usage: npx tsx scripts/bench-http.ts [seconds=10] [connections=20]  (or BENCH_HTTP_SECONDS, BENCH_HTTP_CONNECTIONS)
 */
import autocannon from "autocannon";
import { fork } from "node:child_process";
import { once } from "node:events";
import { numberArg, report, round, type Figure } from "./bench/targets";

const seconds = numberArg(0, "BENCH_HTTP_SECONDS", 10);
const connections = numberArg(1, "BENCH_HTTP_CONNECTIONS", 20);

/** Requests/s and latencies of one server mode, after a 2 s warm-up (JIT, caches). */
async function measure(mode: string) {
  const server = fork(new URL("./bench/http-server.ts", import.meta.url).pathname, [mode], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const { port, path, headers } = await new Promise<{ port: number; path: string; headers: Record<string, string> }>((resolve, reject) => {
      server.once("message", resolve);
      server.once("exit", (code) => reject(new Error(`server process exited (${code}) before listening`)));
    });
    const options = { url: `http://127.0.0.1:${port}${path}`, headers, connections };
    await autocannon({ ...options, duration: 2 });
    const result = await autocannon({ ...options, duration: seconds });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${mode}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  } finally {
    if (server.connected) server.disconnect();
    if (server.exitCode === null) await once(server, "exit");
  }
}

const bare = await measure("bare");
const app = await measure("app");
const pglite = await measure("pglite");
const reference = "bare Hono app, same path and bytes, same server adapter";
const shape = `${connections} connections, ${seconds} s, autocannon in another process`;
const rows: Figure[] = [
  { metric: `GET /v1/pipelines/{id}, database answers replayed from memory: requests/s (${shape})`, value: round(app.rps), unit: "requests/s", reference, referenceValue: round(bare.rps) },
  { metric: "GET /v1/pipelines/{id}, database replayed: latency p50", value: app.p50, unit: "ms", reference, referenceValue: bare.p50 },
  { metric: "GET /v1/pipelines/{id}, database replayed: latency p99", value: app.p99, unit: "ms", reference, referenceValue: bare.p99 },
  { metric: "GET /v1/pipelines/{id} on PGlite: requests/s", value: round(pglite.rps), unit: "requests/s", reference, referenceValue: round(bare.rps) },
];
report("http", rows);
