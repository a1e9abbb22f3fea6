/** Result of one limiter check, in the shape `@upstash/ratelimit` returns. */
export interface RateLimitResult {
  success: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds at which the window resets. */
  reset: number;
}

export interface RateLimiter {
  limit(identifier: string): Promise<RateLimitResult>;
}

export interface RateLimitRule {
  requests: number;
  windowSeconds: number;
}
