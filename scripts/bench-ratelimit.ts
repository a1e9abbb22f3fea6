/**
 * What the rate limiter adds to a `/v1` request: latency of `GET /v1/api-keys` served in-process
 * (`createApp(services)` + `app.request`, embedded PGlite behind it, one request at a time) with
 * no limiter, the in-memory limiter, and the Upstash limiter on real Redis through the
 * Upstash-compatible REST front. The variants take turns request by request, so JIT warm-up and
 * drift hit them alike. Redis commands are counted by the REST front (only this run's, unlike
 * INFO commandstats on a Redis others may share); REST round trips by wrapping `fetch`.
 * Usage: npx tsx scripts/bench-ratelimit.ts [requests=2000]  (or BENCH_RATELIMIT_REQUESTS)
 */
import type { RateLimiter } from "../src/adapters/ratelimit/interface";
import { createUpstashRateLimiter } from "../src/adapters/ratelimit/upstash";
import { createApp } from "../src/app";
import { bootstrapOrganization } from "../src/bootstrap";
import { compose } from "../src/entry/compose";
import { startRedisRestFront, type RedisRestFront } from "../test/support/redis-rest";
import { benchConfig, embeddedDb, numberArg, percentile, realRedisUrl, report, silent, skippedRealService, type Figure } from "./bench/targets";

const requests = numberArg(0, "BENCH_RATELIMIT_REQUESTS", 2000);
const WARM_UP = 200;
const unlimited: RateLimiter = { limit: async () => ({ success: true, limit: 1e9, remaining: 1e9, reset: Date.now() + 60_000 }) };

const target = await embeddedDb();
const { services } = compose(benchConfig(), target.handle, { logger: silent });
const { api_key } = await bootstrapOrganization(services.db, "bench");

interface Variant { name: string; limiter: RateLimiter; samples: number[] }

function timedRequest(limiter: RateLimiter) {
  const app = createApp({ ...services, rateLimiters: { ...services.rateLimiters, api: limiter } });
  return async () => {
    const started = performance.now();
    const res = await app.request("/v1/api-keys", { headers: { "X-API-Key": api_key } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - started;
  };
}

async function measure(variants: Variant[]) {
  const calls = variants.map((v) => timedRequest(v.limiter));
  for (let i = 0; i < WARM_UP + requests; i++) {
    // Rotate who goes first so no variant always follows the same neighbour.
    for (let k = 0; k < calls.length; k++) {
      const j = (i + k) % calls.length;
      const ms = await calls[j]();
      if (i >= WARM_UP) variants[j].samples.push(ms);
    }
  }
}

/** Counts requests this process sends to the REST front: one per Upstash round trip. */
function countFetches(front: RedisRestFront) {
  const original = globalThis.fetch;
  let count = 0;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(front.url)) count++;
    return original(input, init);
  };
  return { count: () => count, restore: () => void (globalThis.fetch = original) };
}

const variants: Variant[] = [
  { name: "no limiter", limiter: unlimited, samples: [] },
  { name: "in-memory limiter", limiter: services.rateLimiters.api, samples: [] },
];
const rows: Array<Figure | [string, string | number]> = [];
const front = realRedisUrl ? await startRedisRestFront({ redisUrl: realRedisUrl, token: "bench" }) : null;
const fetches = front ? countFetches(front) : null;
if (front) {
  const upstash = createUpstashRateLimiter({ url: front.url, token: front.token, rule: { requests: 1e9, windowSeconds: 60 }, prefix: `bench:${process.pid}:${Date.now()}`, timeoutMs: 1000, logger: silent });
  variants.push({ name: "Upstash limiter on Redis (REST front)", limiter: upstash, samples: [] });
}
try {
  await measure(variants);
  const ms = (v: Variant, q: number) => Number(percentile(v.samples, q, 3));
  const reference = `no limiter (${requests} sequential requests each, in-process, PGlite)`;
  for (const v of variants.slice(1)) {
    for (const [q, name] of [[0.5, "p50"], [0.99, "p99"]] as const) {
      rows.push({ metric: `${v.name}: /v1 request latency ${name}`, value: ms(v, q), unit: "ms", reference, referenceValue: ms(variants[0], q) });
    }
  }
  if (front && fetches) {
    const checks = WARM_UP + requests;
    rows.push(["Redis commands per request (target ≤ 1 round trip)", (front.commands() / checks).toFixed(2)]);
    rows.push(["Upstash REST round trips per request", (fetches.count() / checks).toFixed(2)]);
  } else {
    rows.push(["Upstash limiter on Redis", skippedRealService("Redis", "BENCH_REDIS_URL or SLUICE_TEST_REDIS_URL")]);
  }
} finally {
  fetches?.restore();
  await front?.close();
  await target.close();
}
report("ratelimit", rows);
