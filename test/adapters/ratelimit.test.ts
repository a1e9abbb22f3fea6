import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RateLimiter, RateLimitRule } from "../../src/adapters/ratelimit/interface";
import { createMemoryRateLimiter } from "../../src/adapters/ratelimit/memory";
import { createUpstashRateLimiter } from "../../src/adapters/ratelimit/upstash";
import { silentLogger, type Logger } from "../../src/logger";
import { startRedisRestFront, type RedisRestFront } from "../support/redis-rest";

const redisUrl = process.env.SLUICE_TEST_REDIS_URL;
if (!redisUrl) console.log("[sluice] skipped suite: Upstash rate limiter on Redis (set SLUICE_TEST_REDIS_URL to run it)");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** Waits until `offsetMs` into the next fixed window, so a test knows which window its requests land in. */
const nextWindow = (windowMs: number, offsetMs: number) => sleep(Math.ceil(Date.now() / windowMs) * windowMs + offsetMs - Date.now());
const HOUR = 3600; // long enough that no burst in a test straddles a window boundary

/** What every limiter must do, on real time (the Upstash library reads Date.now itself). */
function contract(make: (rule: RateLimitRule) => RateLimiter) {
  it("allows `requests` calls, then denies, counting remaining down", async () => {
    const limiter = make({ requests: 3, windowSeconds: HOUR });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.limit("client"));
    expect(results.map((r) => r.success)).toEqual([true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(results.map((r) => r.limit)).toEqual([3, 3, 3, 3, 3]);
  });

  it("reports a reset in the future, at most one window away", async () => {
    const limiter = make({ requests: 2, windowSeconds: 2 });
    const before = Date.now();
    const { reset } = await limiter.limit("client");
    expect(reset).toBeGreaterThan(before);
    expect(reset).toBeLessThanOrEqual(Date.now() + 2000);
    expect(reset % 2000).toBe(0); // the end of a fixed window, as Upstash reports it
  });

  it("keeps identifiers independent", async () => {
    const limiter = make({ requests: 1, windowSeconds: HOUR });
    expect((await limiter.limit("a")).success).toBe(true);
    expect((await limiter.limit("a")).success).toBe(false);
    expect(await limiter.limit("b")).toMatchObject({ success: true, remaining: 0 });
  });

  it("allows the full budget again once the window has passed", async () => {
    const limiter = make({ requests: 2, windowSeconds: 1 });
    await nextWindow(1000, 50);
    await limiter.limit("client");
    await limiter.limit("client");
    expect((await limiter.limit("client")).success).toBe(false);
    // Two windows after the burst's own, nothing of the burst is weighted in any more. Computed from
    // the burst's window rather than by two sleeps, which may each wake a millisecond early.
    const burstWindow = Math.floor(Date.now() / 1000);
    await sleep((burstWindow + 2) * 1000 + 50 - Date.now());
    expect(await limiter.limit("client")).toMatchObject({ success: true, remaining: 1 });
  });

  it("slides: the previous window still counts, weighted by how much of it overlaps", async () => {
    const limiter = make({ requests: 10, windowSeconds: 2 });
    await nextWindow(2000, 50);
    for (let i = 0; i < 10; i++) expect((await limiter.limit("client")).success).toBe(true);
    await nextWindow(2000, 200); // 10% in: floor(0.9 × 10) = 9 earlier requests still count
    let allowed = 0;
    for (let i = 0; i < 10 && (await limiter.limit("client")).success; i++) allowed++;
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(allowed).toBeLessThan(5); // a fixed window would allow all 10 again
  });
}

describe("memory rate limiter", () => {
  contract((rule) => createMemoryRateLimiter(rule));

  it("uses Upstash's arithmetic: previous count × overlap, floored, plus the current count", async () => {
    const start = 1_000_000 * 60_000; // a window boundary
    let now = start;
    const limiter = createMemoryRateLimiter({ requests: 8, windowSeconds: 60 }, { now: () => new Date(now) });
    for (let i = 0; i < 8; i++) await limiter.limit("k");
    now = start + 75_000; // 25% into the next window: floor(0.75 × 8) = 6 still count
    expect(await limiter.limit("k")).toEqual({ success: true, limit: 8, remaining: 1, reset: start + 120_000 });
    expect(await limiter.limit("k")).toMatchObject({ success: true, remaining: 0 });
    expect(await limiter.limit("k")).toMatchObject({ success: false, remaining: 0 });
    now = start + 105_000; // 75% in: floor(0.25 × 8) = 2, plus 2 in this window
    expect(await limiter.limit("k")).toMatchObject({ success: true, remaining: 3 });
    now = start + 240_000; // two windows on: nothing left
    expect(await limiter.limit("k")).toMatchObject({ success: true, remaining: 7 });
  });
});

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (msg, fields) => warnings.push(`${msg} ${JSON.stringify(fields)}`) };
}

describe("upstash rate limiter when Redis does not answer", () => {
  let hanging: Server;
  let closedPort: number;
  beforeAll(async () => {
    hanging = createServer(() => undefined); // accepts requests, never responds
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  });

  const check = async (url: string) => {
    const logger = recordingLogger();
    const limiter = createUpstashRateLimiter({ url, token: "t", rule: { requests: 5, windowSeconds: 60 }, prefix: "test:down", timeoutMs: 200, logger });
    const started = Date.now();
    const result = await limiter.limit("client");
    return { result, elapsed: Date.now() - started, warnings: logger.warnings };
  };

  it("fails open after timeoutMs when Redis hangs, and says so", async () => {
    const { result, elapsed, warnings } = await check(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`);
    expect(result).toMatchObject({ success: true, limit: 5, remaining: 5 });
    expect(result.reset).toBeGreaterThan(Date.now());
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(500);
    expect(warnings).toHaveLength(1);
  });

  it("fails open at once when Redis is unreachable, and says so", async () => {
    const { result, elapsed, warnings } = await check(`http://127.0.0.1:${closedPort}`);
    expect(result).toMatchObject({ success: true, limit: 5 });
    expect(elapsed).toBeLessThan(300);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("ECONNREFUSED");
  });
});

describe.skipIf(!redisUrl)("upstash rate limiter on Redis (through the REST front)", () => {
  let front: RedisRestFront;
  beforeAll(async () => {
    front = await startRedisRestFront({ redisUrl: redisUrl!, token: "ratelimit-test" });
  });
  afterAll(() => front?.close());

  const make = (rule: RateLimitRule) =>
    createUpstashRateLimiter({ url: front.url, token: front.token, rule, prefix: `test:${crypto.randomUUID()}`, timeoutMs: 1000, logger: silentLogger });

  contract(make);

  it("answers as Upstash's REST API does: Bearer auth, base64 strings at any depth, errors with status 400", async () => {
    const post = (path: string, body: unknown, token = front.token) =>
      fetch(`${front.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "upstash-encoding": "base64" }, body: JSON.stringify(body) });
    expect((await post("/", ["ping"], "wrong")).status).toBe(401);
    const key = `test:${crypto.randomUUID()}`;
    const replies = await post("/pipeline", [["rpush", key, "é", "OK"], ["lrange", key, 0, -1], ["get", `${key}:none`], ["eval", "return {1, {'x'}}", 0], ["del", key]]);
    expect(await replies.json()).toEqual([{ result: 2 }, { result: ["w6k=", "T0s="] }, { result: null }, { result: [1, ["eA=="]] }, { result: 1 }]);
    const failed = await post("/", ["incr"]);
    expect(failed.status).toBe(400);
    expect(await failed.json()).toEqual({ error: expect.stringContaining("wrong number of arguments") });
  });

  it("costs one Redis command per check, and none once the ephemeral cache knows a client is blocked", async () => {
    const limiter = make({ requests: 3, windowSeconds: HOUR });
    await limiter.limit("warm-up"); // the very first call on a Redis without the script loaded costs EVALSHA + EVAL
    const counted = async () => {
      const before = front.commands();
      const result = await limiter.limit("client");
      return { success: result.success, commands: front.commands() - before };
    };
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await counted());
    expect(results).toEqual([
      { success: true, commands: 1 },
      { success: true, commands: 1 },
      { success: true, commands: 1 },
      { success: false, commands: 1 },
      { success: false, commands: 0 },
      { success: false, commands: 0 },
    ]);
  });
});
