import { buildRateLimiters } from "../http/rate-limit";
import { createEmbeddedQueue } from "../adapters/queue/embedded";
import type { HostResolver } from "../adapters/dns/interface";
import { nodeResolver } from "../adapters/dns/node";
import { createNodeFetcher } from "../adapters/fetch/node";
import { llmProviders } from "../adapters/llm/from-config";
import type { DeliveryVerifier, Queue } from "../adapters/queue/interface";
import { DELIVERY_PATH } from "../adapters/queue/interface";
import { createQstashQueue, createQstashVerifier } from "../adapters/queue/qstash";
import { generateSigningKey } from "../adapters/queue/signature";
import type { RateLimiter, RateLimitRule } from "../adapters/ratelimit/interface";
import { createMemoryRateLimiter } from "../adapters/ratelimit/memory";
import { createUpstashRateLimiter } from "../adapters/ratelimit/upstash";
import { createApp, type App } from "../app";
import { systemClock, type Clock } from "../clock";
import type { Config } from "../config";
import type { DbHandle } from "../db/handle";
import type { Services } from "../http/env";
import { permitsAddress } from "../documents/fetch";
import type { Logger } from "../logger";
import { nodeClientIp } from "../http/client-ip";
import { consumeDelivery } from "../deliveries/route";
import { createThreadParseBox } from "../adapters/parse/threads";
import { parseWorkerEntry } from "./parse-worker-entry";
import type { PageReader } from "../adapters/ocr/interface";
import { createThreadReader } from "../adapters/ocr/threads";

let parseEntry: URL | undefined;

export type EmbeddedQueue = ReturnType<typeof createEmbeddedQueue>;

export interface Composition {
  app: App;
  services: Services;
  /** Present when the in-process queue is used (no QSTASH_TOKEN). */
  embeddedQueue?: EmbeddedQueue;
  close(): Promise<void>;
}

/**
 * Wires real or embedded adapters from config: QStash and Upstash when their env vars are set,
 * the in-process queue and limiter otherwise. Shared by the Node entry, scripts and tests.
 */
export function compose(
  config: Config,
  handle: DbHandle,
  options: { logger: Logger; resolver?: HostResolver; clock?: Clock; limiterPrefix?: string; reader?: PageReader },
): Composition {
  const clock = options.clock ?? systemClock;
  const destinationUrl = `${config.publicUrl}${DELIVERY_PATH}`;
  let queue: Queue;
  let verifier: DeliveryVerifier;
  let embeddedQueue: EmbeddedQueue | undefined;
  if (config.qstash) {
    if (!config.signingKeys) throw new Error("QSTASH_TOKEN needs QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY");
    queue = createQstashQueue({ token: config.qstash.token, baseUrl: config.qstash.url, destinationUrl, maxRetries: config.queueMaxRetries });
    verifier = createQstashVerifier(config.signingKeys);
  } else {
    const keys = config.signingKeys ?? { current: generateSigningKey(), next: generateSigningKey() };
    embeddedQueue = createEmbeddedQueue({
      signingKey: keys.current,
      destinationUrl,
      maxRetries: config.queueMaxRetries,
      logger: options.logger,
    });
    queue = embeddedQueue;
    verifier = createQstashVerifier(keys);
  }
  const limiter = (name: string, rule: RateLimitRule): RateLimiter =>
    config.upstashRedis
      ? createUpstashRateLimiter({
        ...config.upstashRedis,
        rule,
        prefix: `${options.limiterPrefix ?? "sluice"}:${name}`,
        timeoutMs: config.rateLimit.timeoutMs,
        logger: options.logger,
      })
      : createMemoryRateLimiter(rule, clock);
  const resolver = options.resolver ?? nodeResolver;
  const parse = createThreadParseBox({ entry: (parseEntry ??= parseWorkerEntry()), ...config.documents.parseBox });
  const services: Services = {
    db: handle.db,
    queue,
    verifier,
    rateLimiters: buildRateLimiters(config.rateLimit, limiter),
    clock,
    config,
    logger: options.logger,
    resolver,
    fetcher: createNodeFetcher(resolver, permitsAddress(config.documents.fetchAllowHosts)),
    clientIp: nodeClientIp(config.trustProxy),
    parse,
    // Threads start on the first scanned page, not here.
    reader: options.reader ?? createThreadReader({ workers: config.ocr.workers, timeoutMs: config.ocr.pageTimeoutMs }),
    llm: llmProviders(config.llm),
  };
  const app = createApp(services);
  // In this process the queue hands messages straight to the handler; only QStash's arrive over HTTP.
  // Its phase work runs on the database's background lane, behind every API request.
  // A view, not a copy: whatever else is swapped on `services` later (a test losing messages) holds here too.
  const engine: Services = new Proxy(services, { get: (target, key) => (key === "db" ? handle.background : Reflect.get(target, key)) });
  embeddedQueue?.consume((delivery) => consumeDelivery(engine, delivery));
  return {
    app,
    services,
    embeddedQueue,
    close: async () => {
      await embeddedQueue?.close();
      await parse.close();
      await services.reader?.close();
      await handle.close();
    },
  };
}
