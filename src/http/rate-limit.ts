import type { Context } from "hono";
import type { RateLimiter, RateLimitResult, RateLimitRule } from "../adapters/ratelimit/interface";
import type { Config } from "../config";
import { ApiError } from "../errors";
import type { AppEnv, RateLimiters } from "./env";

/** Every bucket, from the configuration; `limiter` makes one by name and rule (Upstash or in memory). */
export function buildRateLimiters(rule: Config["rateLimit"], limiter: (name: string, rule: RateLimitRule) => RateLimiter): RateLimiters {
  const per = (requests: number) => ({ requests, windowSeconds: rule.windowSeconds });
  return {
    api: limiter("api", per(rule.requests)),
    share: limiter("share", per(rule.shareRequests)),
    shareToken: limiter("share-token", per(rule.shareTokenRequests)),
    authLookup: limiter("auth-lookup", per(rule.authLookupRequests)),
  };
}

/**
 * Counts the request in every bucket given, and sets the IETF RateLimit headers from the first
 * (the bucket a well-behaved client paces itself by: its key's, its own address's) unless another
 * refuses, which then names itself; they stay on the response whatever the handler does next
 * (Hono keeps headers set with `c.header` before the body exists).
 */
export async function applyRateLimit(c: Context<AppEnv>, ...buckets: Array<[RateLimiter, string]>): Promise<void> {
  const results = await Promise.all(buckets.map(([limiter, identifier]) => limiter.limit(identifier)));
  setHeaders(c, results.find((r) => !r.success) ?? results[0]);
}

function setHeaders(c: Context<AppEnv>, result: RateLimitResult) {
  const now = c.get("services").clock.now().getTime();
  const resetSeconds = Math.max(0, Math.ceil((result.reset - now) / 1000));
  c.header("RateLimit-Limit", String(result.limit));
  c.header("RateLimit-Remaining", String(Math.max(0, result.remaining)));
  c.header("RateLimit-Reset", String(resetSeconds));
  if (!result.success) {
    c.header("Retry-After", String(Math.max(1, resetSeconds)));
    throw new ApiError("rate_limited", `rate limit of ${result.limit} requests exceeded; retry after ${Math.max(1, resetSeconds)} s`);
  }
}

/** Client address for per-IP limits, as the runtime knows it (src/http/client-ip.ts); never a header a client chose. */
export function clientIp(c: Context<AppEnv>): string {
  return c.get("services").clientIp?.(c) ?? "unknown";
}
