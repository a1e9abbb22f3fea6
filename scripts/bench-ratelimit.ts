/**
 * What the rate limiter adds to a `/v1` request: p50/p99 of `GET /v1/api-keys` served in-process
 * (`app.request`, embedded PGlite behind it) with no limiter, the in-memory limiter, and the
 * Upstash limiter on real Redis through the REST front; plus Redis commands per request.
 * Usage: npx tsx scripts/bench-ratelimit.ts [requests=2000]
 */
import type { RateLimiter } from "../src/adapters/ratelimit/interface";
import { createUpstashRateLimiter } from "../src/adapters/ratelimit/upstash";
import { createApp } from "../src/app";
import { bootstrapOrganization } from "../src/bootstrap";
import { compose } from "../src/entry/compose";
import { startRedisRestFront } from "../test/support/redis-rest";
import { benchConfig, embeddedDb, realRedisUrl, report, silent } from "./bench/targets";

const requests = Number(process.argv[2] ?? 2000);
const unlimited: RateLimiter = { limit: async () => ({ success: true, limit: 1e9, remaining: 1e9, reset: Date.now() + 60_000 }) };

const target = await embeddedDb();
const { services } = compose(benchConfig(), target.handle, { logger: silent });
const { api_key } = await bootstrapOrganization(services.db, "bench");

async function latencies(limiter: RateLimiter) {
  const app = createApp({ ...services, rateLimiters: { ...services.rateLimiters, api: limiter } });
  const once = async () => {
    const started = performance.now();
    const res = await app.request("/v1/api-keys", { headers: { "X-API-Key": api_key } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 200; i++) await once(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) samples.push(await once());
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(3);
  return { p50: at(0.5), p99: at(0.99) };
}

const rows: Array<[string, string | number]> = [];
const none = await latencies(unlimited);
rows.push([`no limiter: p50 / p99 ms (${requests} sequential requests, PGlite)`, `${none.p50} / ${none.p99}`]);
const memory = await latencies(services.rateLimiters.api);
rows.push(["in-memory limiter: p50 / p99 ms", `${memory.p50} / ${memory.p99}`]);
if (realRedisUrl) {
  const front = await startRedisRestFront({ redisUrl: realRedisUrl, token: "bench" });
  const upstash = createUpstashRateLimiter({ url: front.url, token: front.token, rule: { requests: 1e9, windowSeconds: 60 }, prefix: `bench:${Date.now()}`, timeoutMs: 1000, logger: silent });
  const before = front.commands();
  const real = await latencies(upstash);
  const perRequest = (front.commands() - before) / (requests + 200);
  rows.push(["Upstash limiter on Redis (REST front): p50 / p99 ms", `${real.p50} / ${real.p99}`]);
  rows.push(["Redis commands per request", perRequest.toFixed(2)]);
  await front.close();
} else {
  rows.push(["Upstash limiter on Redis", "skipped: set BENCH_REDIS_URL or SLUICE_TEST_REDIS_URL"]);
}
await target.close();
report("ratelimit", rows);
