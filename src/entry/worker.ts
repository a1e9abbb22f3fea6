import { buildRateLimiters } from "../http/rate-limit";
import type { DeliveryVerifier, Queue } from "../adapters/queue/interface";
import { DELIVERY_PATH } from "../adapters/queue/interface";
import { createDohResolver } from "../adapters/dns/doh";
import { platformFetcher } from "../adapters/fetch/platform";
import { createQstashQueue, createQstashVerifier } from "../adapters/queue/qstash";
import type { RateLimitRule } from "../adapters/ratelimit/interface";
import { createMemoryRateLimiter } from "../adapters/ratelimit/memory";
import { createUpstashRateLimiter } from "../adapters/ratelimit/upstash";
import { createApp, type App } from "../app";
import { systemClock } from "../clock";
import { ConfigError, loadConfig, type Config } from "../config";
import { createNeonDb } from "../db/neon";
import { requestErrorBody } from "../errors";
import { loadPdfjsWith } from "../documents/parse/pdf";
import { loadXlsxWith } from "../documents/parse/xlsx";
import { directParse } from "../documents/parse/box";
import { loadMammothWith } from "../documents/parse/docx";
import { loadMessageParsersWith } from "../documents/parse/email";
import type { Db } from "../db/types";
import type { Services } from "../http/env";
import { consoleLogger } from "../logger";
import { sweepStaleDocuments } from "../pipeline/sweep";
import { sweepLostEndpointEvents, sweepLostWebhooks } from "../webhooks/sweep";
import { runDueSchedules } from "../schedules/tick";
import { workerClientIp } from "../http/client-ip";
import { llmProviders } from "../adapters/llm/from-config";

// Modules of their own (wrangler.toml [[rules]]), evaluated on the first document of their format, not at every
// start (workerd still compiles every uploaded module when an isolate starts: cloudflare/workerd#2372).
loadPdfjsWith(() => import("./pdfjs.mjs"));
// SheetJS and the Office and e-mail parsers, bundled and minified by scripts/build-worker-vendor.mjs (wrangler.toml [build]).
loadXlsxWith(() => import("./vendor/xlsx.mjs"));
loadMammothWith(() => import("./vendor/mammoth.mjs"));
loadMessageParsersWith({ postalMime: () => import("./vendor/postal-mime.mjs"), msgReader: () => import("./vendor/msgreader.mjs") });

interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
}

type IsolateServices = Omit<Services, "db"> & { config: Config & { databaseUrl: string } };

// Built once per isolate: the limiter's ephemeral cache only helps if it outlives a request, and
// building the app (routes, router) per request cost as much as answering a simple one.
let isolate: IsolateServices | undefined;
let app: App | undefined;

/** What the Worker hands the app per request (Hono's `c.env`): that request's database. */
interface RequestScope {
  db: Db;
}

/** Settings a Worker cannot run without: it has neither PGlite nor an in-process queue to fall back to. */
function missingSettings({ databaseUrl, qstash, signingKeys }: Config): string[] {
  return [
    ...(databaseUrl ? [] : ["DATABASE_URL"]),
    ...(qstash ? [] : ["QSTASH_TOKEN"]),
    ...(signingKeys ? [] : ["QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY"]),
  ];
}

class MissingSettings extends ConfigError {
  constructor(readonly missing: string[]) {
    super(`set ${missing.join(", ")} (wrangler secret put NAME; a .dev.vars file for wrangler dev)`);
  }
}

/** A Worker without (valid) settings says which, in the error envelope, to every caller: no stack trace. */
function unconfigured(error: ConfigError): Response {
  const details = error instanceof MissingSettings ? { missing: error.missing } : undefined;
  const requestId = crypto.randomUUID();
  const body = requestErrorBody(requestId, "service_unavailable", `the Worker is not configured: ${error.message}`, details);
  return Response.json(body, { status: 503, headers: { "X-Request-Id": requestId } });
}

function isolateServices(env: Record<string, unknown>): IsolateServices {
  if (isolate) return isolate;
  const config = loadConfig(env);
  const { databaseUrl, qstash, signingKeys } = config;
  if (!databaseUrl || !qstash || !signingKeys) throw new MissingSettings(missingSettings(config));
  const queue: Queue = createQstashQueue({
    token: qstash.token,
    baseUrl: qstash.url,
    destinationUrl: `${config.publicUrl}${DELIVERY_PATH}`,
    maxRetries: config.queueMaxRetries,
  });
  const verifier: DeliveryVerifier = createQstashVerifier(signingKeys);
  const limiter = (name: string, rule: RateLimitRule) =>
    config.upstashRedis
      ? createUpstashRateLimiter({ ...config.upstashRedis, rule, prefix: `sluice:${name}`, timeoutMs: config.rateLimit.timeoutMs, logger: consoleLogger })
      : createMemoryRateLimiter(rule, systemClock);
  isolate = {
    config: { ...config, databaseUrl },
    queue,
    verifier,
    rateLimiters: buildRateLimiters(config.rateLimit, limiter),
    clock: systemClock,
    logger: consoleLogger,
    // Workers have no resolver API: DNS over HTTPS answers what the platform's fetch will use.
    resolver: createDohResolver(),
    fetcher: platformFetcher,
    clientIp: workerClientIp,
    // The isolate is the box: workerd ends a request past its CPU time or 128 MB (README §Limits).
    parse: directParse,
    // No threads or canvas here: scanned pages go to the Node reader (README §OCR at the edge).
    readerMissing: "set READER_URL to a Node deployment of Sluice that reads scans",
    llm: llmProviders(config.llm),
  };
  return isolate;
}

/** Workers forbid sharing sockets between requests, so each request gets its own pool. */
function openDb(services: IsolateServices) {
  return createNeonDb({ connectionString: services.config.databaseUrl, wsProxy: services.config.neonWsProxy, maxConnections: 4 });
}

/** Closes the pool once the body has been sent, so streamed responses keep their connection. */
function closeAfterBody(response: Response, close: () => Promise<void>, ctx: WorkerContext): Response {
  if (!response.body) {
    ctx.waitUntil(close());
    return response;
  }
  const { readable, writable } = new TransformStream();
  ctx.waitUntil(response.body.pipeTo(writable).catch(() => undefined).finally(close));
  return new Response(readable, response);
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: WorkerContext): Promise<Response> {
    let services: IsolateServices;
    try {
      services = isolateServices(env);
    } catch (error) {
      if (error instanceof ConfigError) return unconfigured(error);
      throw error;
    }
    const handle = openDb(services);
    app ??= createApp({ ...services, db: (c) => (c.env as RequestScope).db });
    const response = await app.fetch(request, { db: handle.db } satisfies RequestScope, ctx as never);
    return closeAfterBody(response, () => handle.close(), ctx);
  },

  async scheduled(_controller: unknown, env: Record<string, unknown>, ctx: WorkerContext): Promise<void> {
    const services = isolateServices(env);
    const handle = openDb(services);
    const scoped = { ...services, db: handle.db };
    const jobs = { sweep: sweepStaleDocuments(scoped), webhooks: sweepLostWebhooks(scoped), endpointEvents: sweepLostEndpointEvents(scoped), schedules: runDueSchedules(scoped) };
    // One failing must neither stop the other nor pass silently: the trigger has no caller to tell.
    const logged = Object.entries(jobs).map(([name, job]) => job.catch((error) => services.logger.error(`${name} failed`, { error: String(error) })));
    ctx.waitUntil(Promise.all(logged).finally(() => handle.close()));
  },
};
