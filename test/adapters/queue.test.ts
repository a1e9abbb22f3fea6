import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Receiver } from "@upstash/qstash";
import { describe, expect, it, vi } from "vitest";
import { createEmbeddedQueue, type EmbeddedQueueOptions } from "../../src/adapters/queue/embedded";
import { DELIVERY_HEADERS, type DeliveryReceipt } from "../../src/adapters/queue/interface";
import { createQstashQueue, createQstashVerifier } from "../../src/adapters/queue/qstash";
import { generateSigningKey, signDelivery } from "../../src/adapters/queue/signature";
import { silentLogger } from "../../src/logger";

const destinationUrl = "http://sluice.test/internal/queue";

interface Delivery {
  request: Request;
  body: string;
  retried: string | null;
  at: number;
}

type Respond = (delivery: Delivery, index: number) => Response | Promise<Response>;

/** An embedded queue attached to a fake `deliver` that records every request it is given. */
function harness(respond: Respond = () => new Response("ok"), options: Partial<EmbeddedQueueOptions> = {}) {
  const signingKey = options.signingKey ?? generateSigningKey();
  const deliveries: Delivery[] = [];
  const queue = createEmbeddedQueue({ signingKey, destinationUrl, maxRetries: 3, backoffMs: () => 5, logger: silentLogger, ...options });
  queue.attach(async (request) => {
    const delivery = { request, body: await request.text(), retried: request.headers.get(DELIVERY_HEADERS.retried), at: Date.now() };
    deliveries.push(delivery);
    return respond(delivery, deliveries.length - 1);
  });
  return { queue, deliveries, signingKey };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nonRetryable = () => new Response("no", { status: 489, headers: { [DELIVERY_HEADERS.nonRetryable]: "true" } });
// Node timers may fire up to a millisecond early; timings are asserted with that slack.
const TIMER_SLACK_MS = 2;

describe("embedded queue", () => {
  it("delivers a signed JSON POST that the QStash Receiver verifies with the current key", async () => {
    const { queue, deliveries, signingKey } = harness();
    const { messageId } = await queue.publish({ body: { type: "noop", n: 1 } });
    await queue.idle();

    expect(deliveries).toHaveLength(1);
    const [{ request, body, retried }] = deliveries;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(destinationUrl);
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(request.headers.get(DELIVERY_HEADERS.messageId)).toBe(messageId);
    expect(retried).toBe("0");
    expect(JSON.parse(body)).toEqual({ type: "noop", n: 1 });

    const signature = request.headers.get(DELIVERY_HEADERS.signature)!;
    expect(await createQstashVerifier({ current: signingKey, next: generateSigningKey() }).verify(signature, body)).toBe(true);
    // The SDK itself, with the url check on: `sub` is the destination.
    const receiver = new Receiver({ currentSigningKey: signingKey, nextSigningKey: generateSigningKey(), devMode: false });
    await expect(receiver.verify({ signature, body, url: destinationUrl })).resolves.toBe(true);
    await expect(receiver.verify({ signature, body, url: "http://elsewhere.test/" })).rejects.toThrow(/subject/);
    expect(queue.stats()).toEqual({ published: 1, delivered: 1, deduplicated: 0, failed: 0 });
  });

  it("verifies with the next key while keys rotate, and not with unrelated keys", async () => {
    const { queue, deliveries, signingKey } = harness();
    await queue.publish({ body: { type: "noop" } });
    await queue.idle();
    const signature = deliveries[0].request.headers.get(DELIVERY_HEADERS.signature)!;

    expect(await createQstashVerifier({ current: generateSigningKey(), next: signingKey }).verify(signature, deliveries[0].body)).toBe(true);
    expect(await createQstashVerifier({ current: generateSigningKey(), next: generateSigningKey() }).verify(signature, deliveries[0].body)).toBe(false);
  });

  it("produces tokens whose claims match QStash's", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const token = await signDelivery({ signingKey: "k", rawBody: "", url: destinationUrl, now });
    const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    const seconds = now.getTime() / 1000;
    // sha256("") in padded base64url, the form QStash sends.
    expect(payload).toMatchObject({ iss: "Upstash", sub: destinationUrl, iat: seconds, nbf: seconds, exp: seconds + 300, body: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=" });
    expect(payload.jti).toMatch(/^jwt_/);
  });

  it("rejects tampered bodies and garbled, foreign, expired or not-yet-valid signatures without throwing", async () => {
    const signingKey = generateSigningKey();
    const verifier = createQstashVerifier({ current: signingKey, next: generateSigningKey() });
    const body = JSON.stringify({ type: "noop" });
    const valid = await signDelivery({ signingKey, rawBody: body, url: destinationUrl });

    expect(await verifier.verify(valid, body)).toBe(true);
    expect(await verifier.verify(valid, JSON.stringify({ type: "noop", extra: 1 }))).toBe(false);
    expect(await verifier.verify(valid, `${body} `)).toBe(false);
    expect(await verifier.verify(`${valid.slice(0, -4)}AAAA`, body)).toBe(false);
    expect(await verifier.verify("not-a-jwt", body)).toBe(false);
    expect(await verifier.verify("", body)).toBe(false);
    expect(await verifier.verify(await signDelivery({ signingKey: generateSigningKey(), rawBody: body, url: destinationUrl }), body)).toBe(false);
    const tenMinutes = 10 * 60_000;
    expect(await verifier.verify(await signDelivery({ signingKey, rawBody: body, url: destinationUrl, now: new Date(Date.now() - tenMinutes) }), body)).toBe(false);
    expect(await verifier.verify(await signDelivery({ signingKey, rawBody: body, url: destinationUrl, now: new Date(Date.now() + tenMinutes) }), body)).toBe(false);
  });

  it("retries failures with backoff, counting attempts in Upstash-Retried", async () => {
    const waits: number[] = [];
    const { queue, deliveries } = harness((_delivery, index) => new Response(null, { status: index < 2 ? 500 : 200 }), {
      backoffMs: (retried) => {
        waits.push(retried);
        return 30 * (retried + 1);
      },
    });
    const { messageId } = await queue.publish({ body: { type: "noop" } });
    await queue.idle();

    expect(deliveries.map((d) => d.retried)).toEqual(["0", "1", "2"]);
    expect(new Set(deliveries.map((d) => d.request.headers.get(DELIVERY_HEADERS.messageId)))).toEqual(new Set([messageId]));
    expect(waits).toEqual([0, 1]);
    expect(deliveries[1].at - deliveries[0].at).toBeGreaterThanOrEqual(30 - TIMER_SLACK_MS);
    expect(deliveries[2].at - deliveries[1].at).toBeGreaterThanOrEqual(60 - TIMER_SLACK_MS);
    expect(queue.stats()).toMatchObject({ delivered: 1, failed: 0 });
  });

  it("stops at once on 489 with Upstash-NonRetryable-Error, but retries a bare 489", async () => {
    const stop = harness(nonRetryable);
    await stop.queue.publish({ body: { type: "noop" } });
    await stop.queue.idle();
    expect(stop.deliveries).toHaveLength(1);
    expect(stop.queue.stats()).toMatchObject({ delivered: 0, failed: 1 });

    const bare = harness(() => new Response(null, { status: 489 }), { maxRetries: 2 });
    await bare.queue.publish({ body: { type: "noop" } });
    await bare.queue.idle();
    expect(bare.deliveries).toHaveLength(3);
  });

  it("gives up on 500s after maxRetries retries", async () => {
    const { queue, deliveries } = harness(() => new Response(null, { status: 500 }), { maxRetries: 3 });
    await queue.publish({ body: { type: "noop" } });
    await queue.idle();
    expect(deliveries.map((d) => d.retried)).toEqual(["0", "1", "2", "3"]);
    expect(queue.stats()).toEqual({ published: 1, delivered: 0, deduplicated: 0, failed: 1 });
  });

  it("retries when deliver throws, without unhandled rejections", async () => {
    const { queue, deliveries } = harness((_delivery, index) => {
      if (index === 0) throw new Error("connection reset");
      return new Response("ok");
    });
    await queue.publish({ body: { type: "noop" } });
    await queue.idle();
    expect(deliveries.map((d) => d.retried)).toEqual(["0", "1"]);
    expect(queue.stats()).toMatchObject({ delivered: 1, failed: 0 });
  });

  it("drops a second publish with the same deduplication id inside the window", async () => {
    const { queue, deliveries } = harness(undefined, { dedupWindowMs: 80 });
    const first = await queue.publish({ body: { type: "noop", n: 1 }, deduplicationId: "doc-1:0:0" });
    const second = await queue.publish({ body: { type: "noop", n: 2 }, deduplicationId: "doc-1:0:0" });
    const other = await queue.publish({ body: { type: "noop", n: 3 }, deduplicationId: "doc-1:0:1" });
    await queue.idle();

    expect(second.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
    expect(deliveries.map((d) => JSON.parse(d.body).n).sort()).toEqual([1, 3]);
    expect(queue.stats()).toMatchObject({ published: 2, delivered: 2, deduplicated: 1 });

    await sleep(100);
    const afterWindow = await queue.publish({ body: { type: "noop", n: 4 }, deduplicationId: "doc-1:0:0" });
    await queue.idle();
    expect(afterWindow.messageId).not.toBe(first.messageId);
    expect(deliveries).toHaveLength(3);
  });

  it("honours delaySeconds, and idle() waits for delayed messages", async () => {
    const { queue, deliveries } = harness();
    const publishedAt = Date.now();
    await queue.publish({ body: { type: "noop", n: "late" }, delaySeconds: 0.15 });
    await queue.publish({ body: { type: "noop", n: "now" } });
    await queue.idle();

    expect(deliveries.map((d) => JSON.parse(d.body).n)).toEqual(["now", "late"]);
    expect(deliveries[1].at - publishedAt).toBeGreaterThanOrEqual(150 - TIMER_SLACK_MS);
  });

  it("holds messages published before attach until attach", async () => {
    const queue = createEmbeddedQueue({ signingKey: generateSigningKey(), destinationUrl, maxRetries: 0, logger: silentLogger });
    await queue.publish({ body: { type: "noop" } });
    let idle = false;
    const idlePromise = queue.idle().then(() => (idle = true));
    await sleep(20);
    expect(idle).toBe(false);

    const seen: string[] = [];
    queue.attach(async (request) => {
      seen.push(await request.text());
      return new Response("ok");
    });
    await idlePromise;
    expect(seen).toEqual([JSON.stringify({ type: "noop" })]);
  });

  it("consume hands a consumer the message itself, and reads its receipts as it reads responses", async () => {
    const queue = createEmbeddedQueue({ signingKey: generateSigningKey(), destinationUrl, maxRetries: 2, backoffMs: () => 1, logger: silentLogger });
    const seen: Array<{ n: unknown; retried: number; messageId: string }> = [];
    const receipts: Record<string, Array<DeliveryReceipt | Error>> = {
      retried: [{ status: 503, nonRetryable: false }, new Error("boom"), { status: 200, nonRetryable: false }],
      stopped: [{ status: 489, nonRetryable: true }],
      exhausted: [{ status: 500, nonRetryable: false }, { status: 489, nonRetryable: false }, { status: 503, nonRetryable: false }],
    };
    queue.consume(async (delivery) => {
      const { n } = JSON.parse(delivery.body);
      seen.push({ n, retried: delivery.retried, messageId: delivery.messageId });
      const receipt = receipts[n].shift()!;
      if (receipt instanceof Error) throw receipt;
      return receipt;
    });
    const ids = await Promise.all(["retried", "stopped", "exhausted"].map(async (n) => (await queue.publish({ body: { n } })).messageId));
    await queue.idle();
    const attempts = (n: string) => seen.filter((d) => d.n === n);
    expect(attempts("retried").map((d) => d.retried)).toEqual([0, 1, 2]);
    expect(attempts("stopped").map((d) => d.retried)).toEqual([0]);
    expect(attempts("exhausted").map((d) => d.retried)).toEqual([0, 1, 2]);
    expect(new Set(attempts("retried").map((d) => d.messageId))).toEqual(new Set([ids[0]]));
    expect(queue.stats()).toEqual({ published: 3, delivered: 1, deduplicated: 0, failed: 2 });
  });

  it("bounds concurrent deliveries", async () => {
    let active = 0;
    let peak = 0;
    const { queue, deliveries } = harness(
      async () => {
        peak = Math.max(peak, ++active);
        await sleep(15);
        active--;
        return new Response("ok");
      },
      { concurrency: 2 },
    );
    await Promise.all(Array.from({ length: 6 }, (_, n) => queue.publish({ body: { type: "noop", n } })));
    await queue.idle();
    expect(deliveries).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it("close() cancels delayed messages and retries, waits for in-flight ones and refuses new publishes", async () => {
    let finished = 0;
    const { queue, deliveries } = harness(
      async (delivery) => {
        await sleep(40);
        finished++;
        return new Response(null, { status: JSON.parse(delivery.body).n === "fails" ? 500 : 200 });
      },
      { backoffMs: () => 10 },
    );
    await queue.publish({ body: { type: "noop", n: "slow" } });
    await queue.publish({ body: { type: "noop", n: "fails" } });
    await queue.publish({ body: { type: "noop", n: "delayed" }, delaySeconds: 0.1 });
    await sleep(5);

    await queue.close();
    expect(finished).toBe(2);
    await sleep(150);
    expect(deliveries.map((d) => JSON.parse(d.body).n).sort()).toEqual(["fails", "slow"]);
    expect(queue.stats()).toMatchObject({ delivered: 1, failed: 0 });
    await expect(queue.publish({ body: { type: "noop" } })).rejects.toThrow(/closed/);
  });

  it("close() leaves no timer behind to keep the process alive", async () => {
    vi.useFakeTimers();
    try {
      const { queue } = harness();
      await queue.publish({ body: { type: "noop" }, delaySeconds: 3600 });
      expect(vi.getTimerCount()).toBe(1);
      await queue.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("QStash queue", () => {
  /** Stands in for the QStash API and records what the SDK sends it. */
  async function fakeQstash(status = 201) {
    const received: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; body: string }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(status, { "content-type": "application/json" });
        res.end(status < 300 ? JSON.stringify({ messageId: `msg_fake_${received.length}` }) : JSON.stringify({ error: "boom" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { baseUrl, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  const destination = "https://sluice.example/internal/queue";

  it("publishes JSON to /v2/publish/<destination> with dedup id, retries and delay", async () => {
    const api = await fakeQstash();
    try {
      const queue = createQstashQueue({ token: "qstash-token", baseUrl: api.baseUrl, destinationUrl: destination, maxRetries: 4 });
      const result = await queue.publish({ body: { type: "noop", n: 1 }, deduplicationId: "doc-1:0:2", delaySeconds: 30 });
      await queue.publish({ body: { type: "noop", n: 2 } });

      expect(result).toEqual({ messageId: "msg_fake_1" });
      expect(api.received).toHaveLength(2);
      const [first, second] = api.received;
      expect(first.method).toBe("POST");
      expect(first.url).toBe(`/v2/publish/${destination}`);
      expect(first.headers.authorization).toBe("Bearer qstash-token");
      expect(first.headers["content-type"]).toBe("application/json");
      expect(first.headers["upstash-deduplication-id"]).toBe("doc-1:0:2");
      expect(first.headers["upstash-retries"]).toBe("4");
      expect(first.headers["upstash-delay"]).toBe("30s");
      expect(first.headers["upstash-method"]).toBe("POST");
      expect(JSON.parse(first.body)).toEqual({ type: "noop", n: 1 });

      expect(second.headers["upstash-deduplication-id"]).toBeUndefined();
      expect(second.headers["upstash-delay"]).toBeUndefined();
      expect(second.headers["upstash-retries"]).toBe("4");
    } finally {
      await api.close();
    }
  });

  it("rejects when QStash refuses the message, so the caller can retry", async () => {
    const api = await fakeQstash(500);
    try {
      const queue = createQstashQueue({ token: "qstash-token", baseUrl: api.baseUrl, destinationUrl: destination, maxRetries: 1 });
      await expect(queue.publish({ body: { type: "noop" } })).rejects.toThrow();
      expect(api.received).toHaveLength(1);
    } finally {
      await api.close();
    }
  });
});
