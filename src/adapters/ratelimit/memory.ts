import { systemClock, type Clock } from "../../clock";
import type { RateLimiter, RateLimitRule } from "./interface";

interface Counter {
  /** Index of the fixed window `current` counts in: floor(epoch ms / window ms). */
  window: number;
  current: number;
  previous: number;
}

/**
 * In-process sliding window, the same arithmetic as `@upstash/ratelimit`'s slidingWindow script:
 * the previous window's count, weighted by how much of it still overlaps, plus the current count.
 * Memory holds only identifiers seen in the last two windows.
 */
export function createMemoryRateLimiter(rule: RateLimitRule, clock: Clock = systemClock): RateLimiter {
  const windowMs = rule.windowSeconds * 1000;
  const counters = new Map<string, Counter>();
  let sweptWindow = Number.NEGATIVE_INFINITY;

  // Once per window is enough: a counter older than the previous window no longer affects any result.
  const evictStale = (window: number) => {
    for (const [identifier, counter] of counters) {
      if (counter.window < window - 1) counters.delete(identifier);
    }
    sweptWindow = window;
  };

  const counterFor = (identifier: string, window: number): Counter => {
    const stored = counters.get(identifier);
    if (stored?.window === window) return stored;
    const previous = stored?.window === window - 1 ? stored.current : 0;
    return { window, current: 0, previous };
  };

  return {
    async limit(identifier) {
      const now = clock.now().getTime();
      const window = Math.floor(now / windowMs);
      if (window !== sweptWindow) evictStale(window);
      const counter = counterFor(identifier, window);
      const overlap = 1 - (now % windowMs) / windowMs;
      const previous = Math.floor(overlap * counter.previous);
      const reset = (window + 1) * windowMs;
      // Like the Lua script, a denied request is not counted.
      if (previous + counter.current >= rule.requests) {
        return { success: false, limit: rule.requests, remaining: 0, reset };
      }
      counter.current += 1;
      counters.set(identifier, counter);
      return { success: true, limit: rule.requests, remaining: rule.requests - (counter.current + previous), reset };
    },
  };
}
