/**
 * HTTP throughput of the Node entry: `GET /v1/pipelines/{id}` through @hono/node-server on a
 * loopback port, embedded defaults, under autocannon (same process, so client and server share
 * the two cores: a conservative figure). Usage: npx tsx scripts/bench-http.ts [seconds=10] [connections=20]
 */
import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import type { AddressInfo } from "node:net";
import { bootstrapOrganization } from "../src/bootstrap";
import { compose } from "../src/entry/compose";
import { benchConfig, embeddedDb, report, silent } from "./bench/targets";

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 20);

const target = await embeddedDb();
const { app, services, close } = compose(benchConfig(), target.handle, { logger: silent });
const { api_key } = await bootstrapOrganization(services.db, "bench");
const headers = { "X-API-Key": api_key, "content-type": "application/json" };
const run = await (await app.request("/v1/pipelines/sync", {
  method: "POST", headers,
  body: JSON.stringify({
    fields: [{ name: "total", type: "number", extract: [{ type: "label", labels: ["Total"] }] }],
    phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
    documents: [{ text: "Total: 12.50" }, { text: "Total: 99" }],
  }),
})).json();

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => server.once("listening", resolve));
const { port } = server.address() as AddressInfo;
const result = await autocannon({ url: `http://127.0.0.1:${port}/v1/pipelines/${run.id}`, headers, connections, duration: seconds });
server.close();
await close();
if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx responses`);
report("http", [
  [`GET /v1/pipelines/{id}: requests/s (${connections} connections, ${seconds} s, Node entry, PGlite)`, result.requests.average.toFixed(0)],
  ["GET /v1/pipelines/{id}: latency p50 / p99 ms", `${result.latency.p50} / ${result.latency.p99}`],
]);
