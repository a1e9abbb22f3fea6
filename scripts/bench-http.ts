/**
 * HTTP throughput of the Node entry: `GET /v1/pipelines/{id}` through @hono/node-server on a
 * loopback port (embedded defaults: PGlite, in-memory limiter) under autocannon. The server runs
 * in a child process, the load generator here, so each has one of the machine's cores.
 * Usage: npx tsx scripts/bench-http.ts [seconds=10] [connections=20]  (or BENCH_HTTP_SECONDS, BENCH_HTTP_CONNECTIONS)
 */
import autocannon from "autocannon";
import { fork } from "node:child_process";
import { once } from "node:events";
import { numberArg, report } from "./bench/targets";

const seconds = numberArg(0, "BENCH_HTTP_SECONDS", 10);
const connections = numberArg(1, "BENCH_HTTP_CONNECTIONS", 20);

const server = fork(new URL("./bench/http-server.ts", import.meta.url).pathname, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
try {
  const { port, pipelineId, apiKey } = await new Promise<{ port: number; pipelineId: string; apiKey: string }>((resolve, reject) => {
    server.once("message", resolve);
    server.once("exit", (code) => reject(new Error(`server process exited (${code}) before listening`)));
  });
  const options = { url: `http://127.0.0.1:${port}/v1/pipelines/${pipelineId}`, headers: { "X-API-Key": apiKey }, connections };
  await autocannon({ ...options, duration: 2 }); // warm-up: JIT and PGlite's caches
  const result = await autocannon({ ...options, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx responses, ${result.errors} errors`);
  report("http", [
    [`GET /v1/pipelines/{id}: requests/s (${connections} connections, ${seconds} s, Node entry, PGlite, autocannon in another process)`, result.requests.average.toFixed(0)],
    ["GET /v1/pipelines/{id}: latency p50 / p99 ms", `${result.latency.p50} / ${result.latency.p99}`],
  ]);
} finally {
  if (server.connected) server.disconnect();
  if (server.exitCode === null) await once(server, "exit");
}
