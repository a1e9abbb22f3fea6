/**
 * `npm run dev:worker`: the Worker under `wrangler dev` (workerd, as deployed) against local services.
 * The Worker only reaches Postgres over WebSockets and only queues through QStash, so this starts
 * - the WebSocket-to-TCP relay Neon documents for local Postgres (test/support/neon-ws-proxy.ts),
 * - a QStash stand-in: publishes go to the embedded queue, which delivers them to the Worker signed
 *   with signing keys made for this run (verified by the Worker exactly as QStash's would be),
 * then applies schema.sql and runs `wrangler dev` with those settings. Rate limits use the
 * in-memory limiter (no UPSTASH_* settings). Ctrl-C stops everything.
 * Settings: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sluice_dev, must exist), PORT (8787).
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import ws from "ws";
import { createEmbeddedQueue } from "../src/adapters/queue/embedded";
import { DELIVERY_PATH } from "../src/adapters/queue/interface";
import { generateSigningKey } from "../src/adapters/queue/signature";
import { migrate } from "../src/db/migrate";
import { createNeonDb } from "../src/db/neon";
import { startNeonWsProxy } from "../test/support/neon-ws-proxy";
import { schemaSql } from "./db";

const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/sluice_dev";
const port = Number(process.env.PORT ?? 8787);
const workerUrl = `http://127.0.0.1:${port}`;
// Fixed, so `npm run bootstrap` can reach the database through it while this runs (see README).
const WS_PROXY_PORT = 8789;

const proxy = await startNeonWsProxy(WS_PROXY_PORT);
const wsProxy = `${proxy.host}/v1`;
const handle = createNeonDb({ connectionString: databaseUrl, wsProxy, webSocketConstructor: ws });
console.log(`schema: ${JSON.stringify(await migrate(handle, schemaSql()))}`);
await handle.close();

const signingKeys = { current: generateSigningKey(), next: generateSigningKey() };
const queue = createEmbeddedQueue({ signingKey: signingKeys.current, destinationUrl: `${workerUrl}${DELIVERY_PATH}`, maxRetries: 3 });
queue.attach((request) => fetch(request));

/** QStash's publish call (`POST /v2/publish/<destination>`), as @upstash/qstash makes it. */
const qstash = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (req.method !== "POST" || !req.url?.startsWith("/v2/publish/")) return void res.writeHead(404).end();
  const header = (name: string) => req.headers[name] as string | undefined;
  const { messageId } = await queue.publish({
    body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
    deduplicationId: header("upstash-deduplication-id"),
    delaySeconds: Number(/^(\d+)s$/.exec(header("upstash-delay") ?? "")?.[1] ?? 0),
  });
  res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ messageId }));
});
await new Promise<void>((resolve) => qstash.listen(0, "127.0.0.1", resolve));

const settings = {
  DATABASE_URL: databaseUrl,
  NEON_WS_PROXY: wsProxy,
  PUBLIC_URL: workerUrl,
  QSTASH_TOKEN: "local",
  QSTASH_URL: `http://127.0.0.1:${(qstash.address() as AddressInfo).port}`,
  QSTASH_CURRENT_SIGNING_KEY: signingKeys.current,
  QSTASH_NEXT_SIGNING_KEY: signingKeys.next,
};
const vars = Object.entries(settings).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
const wrangler = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), ...vars], { stdio: "inherit" });

let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= (async () => {
  wrangler.kill("SIGINT");
  await queue.close();
  qstash.closeAllConnections();
  qstash.close();
  await proxy.close();
})());
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
wrangler.once("exit", (code) => void stop().then(() => process.exit(code ?? 0)));
