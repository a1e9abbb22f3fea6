import { serve } from "@hono/node-server";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import ws from "ws";
import { loadConfig } from "../config";
import { requestErrorBody } from "../errors";
import { migrate } from "../db/migrate";
import { createNeonDb } from "../db/neon";
import { createPgliteDb } from "../db/pglite";
import { consoleLogger } from "../logger";
import { sweepStaleDocuments } from "../pipeline/sweep";
import { sweepLostEndpointEvents, sweepLostWebhooks } from "../webhooks/sweep";
import { runDueSchedules } from "../schedules/tick";
import { ensureAdminKeyFile } from "./admin-key-file";
import { compose } from "./compose";
import { DataDirInUse, lockDataDir } from "./data-dir-lock";

/** `npm start`: the API on Node, on embedded defaults unless service env vars are set. */
const config = loadConfig(process.env);
// PGlite creates its own folder but not the parents: a fresh clone has no data folder yet.
if (!config.databaseUrl) {
  mkdirSync(config.dataDir, { recursive: true });
  try {
    lockDataDir(config.dataDir, "npm start");
  } catch (error) {
    if (!(error instanceof DataDirInUse)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
const handle = config.databaseUrl
  ? createNeonDb({ connectionString: config.databaseUrl, wsProxy: config.neonWsProxy, webSocketConstructor: ws })
  : await createPgliteDb(join(config.dataDir, "pglite"), { templateDir: new URL("../../dist/", import.meta.url) });
await migrate(handle, readFileSync(new URL("../../schema.sql", import.meta.url), "utf8"));

if (!config.databaseUrl) {
  const adminKey = await ensureAdminKeyFile(handle.db, config.dataDir);
  // Printed when made, so the terminal of the README's set-up line shows it; the file keeps it for later.
  if (adminKey.created) console.log(`SLUICE_API_KEY=${adminKey.secret}`);
  console.log(`admin key for this data folder: ${adminKey.path} (export SLUICE_API_KEY=$(cat ${adminKey.path}))`);
}

const { app, services, close } = compose(config, handle, { logger: consoleLogger });
// The Node stand-in for the Workers cron trigger.
const sweepTimer = setInterval(() => {
  sweepStaleDocuments(services).catch((error) => consoleLogger.error("sweep failed", { error: String(error) }));
  sweepLostWebhooks(services).catch((error) => consoleLogger.error("webhook sweep failed", { error: String(error) }));
  sweepLostEndpointEvents(services).catch((error) => consoleLogger.error("endpoint event sweep failed", { error: String(error) }));
}, config.sweep.intervalSeconds * 1000);
const scheduleTimer = setInterval(() => {
  runDueSchedules(services).catch((error) => consoleLogger.error("schedule tick failed", { error: String(error) }));
}, 60_000);
const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
  consoleLogger.info("sluice listening", {
    url: `http://localhost:${info.port}`,
    database: config.databaseUrl ? "postgres (neon driver)" : `pglite (${config.dataDir})`,
    queue: config.qstash ? "qstash" : "embedded",
    rate_limiter: config.upstashRedis ? "upstash" : "memory",
  });
});

// A loop stalled by a long piece of work fires the keep-alive timer late, after a client already
// reused the socket for its next request; a window well above a client's idle reuse (and headers
// allowed as long) keeps such a socket open instead of resetting a request in flight.
Object.assign(server, { keepAliveTimeout: 65_000, headersTimeout: 66_000 });

// Node answers an over-long request line or header block before the app sees it; answer in the envelope.
server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
  if (!socket.writable) return void socket.destroy();
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const requestId = randomUUID();
  const body = JSON.stringify(tooLarge
    ? requestErrorBody(requestId, "headers_too_large", "the request line or headers are too large (Node allows 16 KB)")
    : requestErrorBody(requestId, "bad_request", "malformed HTTP request"));
  socket.end(`HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\n` +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n` +
    `connection: close\r\n\r\n${body}`);
});

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  clearInterval(sweepTimer);
  clearInterval(scheduleTimer);
  server.close();
  await close();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
