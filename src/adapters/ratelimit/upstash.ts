import { Ratelimit } from "@upstash/ratelimit";
// The Cloudflare build only needs fetch: no `process`, no Node globals, no `cache` fetch option; it runs unchanged on Node.
import { Redis } from "@upstash/redis/cloudflare";
import { consoleLogger, type Logger } from "../../logger";
import type { RateLimiter, RateLimitResult, RateLimitRule } from "./interface";

export interface UpstashRateLimiterOptions {
  url: string;
  token: string;
  rule: RateLimitRule;
  /** Prefix of every Redis key this limiter writes, e.g. `sluice:api`. */
  prefix: string;
  /** Budget for one check; past it the request is let through. */
  timeoutMs: number;
  logger?: Logger;
}

/**
 * Sliding window on Upstash Redis: one round trip (EVALSHA) per check. Build it once per isolate:
 * its ephemeral cache answers identifiers it has seen denied, until their reset, without Redis.
 */
export function createUpstashRateLimiter(options: UpstashRateLimiterOptions): RateLimiter {
  const { rule, prefix, timeoutMs, logger = consoleLogger } = options;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    enableTelemetry: false,
    // One quick retry covers a dropped keep-alive socket; the default five (up to ~4 s) cannot fit the timeout.
    retry: { retries: 1, backoff: () => 20 },
    // The library's timeout only stops waiting; aborting too frees the socket a hung Redis would otherwise hold.
    signal: () => AbortSignal.timeout(timeoutMs),
  });
  const ratelimit = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(rule.requests, `${rule.windowSeconds} s`),
    prefix,
    ephemeralCache: new Map(),
    analytics: false,
    enableTelemetry: false,
    timeout: timeoutMs,
  });
  const windowMs = rule.windowSeconds * 1000;

  // Fail open, as the library itself does on timeout: a Redis outage must not lock every client out.
  const failOpen = (reason: string): RateLimitResult => {
    logger.warn("rate limiter unavailable, request allowed", { prefix, reason });
    // The library reports limit 0 and reset 0 here; the rule's own numbers keep the headers meaningful.
    return { success: true, limit: rule.requests, remaining: rule.requests, reset: (Math.floor(Date.now() / windowMs) + 1) * windowMs };
  };

  return {
    async limit(identifier) {
      try {
        const result = await ratelimit.limit(identifier);
        if (result.reason === "timeout") return failOpen(`no answer within ${timeoutMs} ms`);
        return { success: result.success, limit: result.limit, remaining: result.remaining, reset: result.reset };
      } catch (error) {
        return failOpen(describeError(error));
      }
    },
  };
}

function describeError(error: unknown): string {
  // UpstashError messages end with ", command was: [...]", which would put keys (identifiers) in logs.
  const message = String(error).split(", command was:")[0];
  // fetch reports network failures as "TypeError: fetch failed"; the cause says which (ECONNREFUSED, …).
  const cause = error instanceof Error && error.cause ? ` (${String((error.cause as { code?: string }).code ?? error.cause)})` : "";
  return message + cause;
}
