import type { Context } from "hono";
import type { RateLimiter } from "../adapters/ratelimit/interface";
import { ApiError } from "../errors";
import type { AppEnv } from "./env";

/**
 * Checks one limiter and sets the IETF RateLimit headers; they stay on the response whatever
 * the handler does next (Hono keeps headers set with `c.header` before the body exists).
 */
export async function applyRateLimit(c: Context<AppEnv>, limiter: RateLimiter, identifier: string): Promise<void> {
  const result = await limiter.limit(identifier);
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
