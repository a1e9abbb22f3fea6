import { FairQueue } from "./fair";
import { consoleLogger, type Logger } from "../../logger";
import { DELIVERY_HEADERS, NON_RETRYABLE_STATUS, type Delivery, type DeliveryReceipt, type Queue, type QueueMessage } from "./interface";
import { signDelivery } from "./signature";

export interface EmbeddedQueueOptions {
  signingKey: string;
  destinationUrl: string;
  /** Retries after the first failed delivery, as QStash's `Upstash-Retries`. */
  maxRetries: number;
  /** Wait before retrying, given the failed attempt's `Upstash-Retried` (0 after the first failure). */
  backoffMs?: (retried: number) => number;
  concurrency?: number;
  dedupWindowMs?: number;
  logger?: Logger;
}

export interface EmbeddedQueueStats {
  published: number;
  delivered: number;
  deduplicated: number;
  failed: number;
}

export type Deliver = (request: Request) => Promise<Response>;

/** A consumer in this process, handed each message itself: no Request, no Response, no signature. */
export type Consume = (delivery: Delivery) => Promise<DeliveryReceipt>;

export interface EmbeddedQueue extends Queue {
  /** Starts delivery as HTTP requests to `deliver`; messages published earlier wait for this. */
  attach(deliver: Deliver): void;
  /**
   * Starts delivery straight to a consumer in this process, as `attach` but without building a request
   * and reading a response per message (most of a delivery's JavaScript besides its own work).
   */
  consume(consumer: Consume): void;
  /** Resolves once nothing is queued, delayed or in flight. */
  idle(): Promise<void>;
  /** Cancels delayed and queued messages and waits for in-flight deliveries; later publishes reject. */
  close(): Promise<void>;
  stats(): EmbeddedQueueStats;
}


const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Small enough for a local pipeline to finish quickly, capped so a long outage does not stall for minutes. */
const defaultBackoffMs = (retried: number) => Math.min(200 * 2 ** retried, 10_000);

/** Dedup entries expire with the window; the cap bounds memory even under a publish storm. */
const MAX_DEDUP_ENTRIES = 100_000;

/**
 * An in-process stand-in for QStash: the same retry, delay and deduplication semantics, delivered
 * as the same signed requests to a `fetch` (attach), or as the messages themselves to a consumer in
 * this process (consume). Web-standard APIs only.
 */
export function createEmbeddedQueue(options: EmbeddedQueueOptions): EmbeddedQueue {
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const dedupWindowMs = options.dedupWindowMs ?? 10 * 60_000;
  const logger = options.logger ?? consoleLogger;

  const ready = new FairQueue<Delivery>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  // Insertion order is expiry order because the window is constant, so pruning only looks at the front.
  const dedup = new Map<string, { messageId: string; expiresAt: number }>();
  const counts: EmbeddedQueueStats = { published: 0, delivered: 0, deduplicated: 0, failed: 0 };
  let idleWaiters: Array<() => void> = [];
  let send: Consume | undefined;
  let inFlight = 0;
  let closed = false;

  function settle() {
    if (ready.length > 0 || timers.size > 0 || inFlight > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function idle(): Promise<void> {
    return new Promise((resolve) => {
      idleWaiters.push(resolve);
      settle();
    });
  }

  function schedule(job: Delivery, waitMs: number) {
    if (closed) return;
    if (waitMs <= 0) {
      ready.push(job);
      pump();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      ready.push(job);
      pump();
    }, waitMs);
    timers.add(timer);
  }

  function pump() {
    while (send && !closed && inFlight < concurrency && ready.length > 0) {
      const job = ready.shift()!;
      const consumer = send;
      inFlight++;
      // One turn of the event loop between deliveries: a consumer in this process can run a whole
      // document without I/O, and requests and timers must get in between documents.
      void nextTurn().then(() => attempt(consumer, job))
        // Only a throwing logger or backoff gets here; it must neither surface as an unhandled rejection nor stall idle().
        .catch(() => undefined)
        .finally(() => {
          inFlight--;
          pump();
          settle();
        });
    }
  }

  /** Every outcome is a completion, a scheduled retry or a logged failure. */
  async function attempt(consumer: Consume, job: Delivery): Promise<void> {
    let failure: string;
    let retryAfterSeconds: number | undefined;
    try {
      const receipt = await consumer(job);
      if (receipt.status >= 200 && receipt.status < 300) {
        counts.delivered++;
        return;
      }
      if (receipt.status === NON_RETRYABLE_STATUS && receipt.nonRetryable) {
        counts.failed++;
        logger.warn("queue message rejected as non-retryable", { messageId: job.messageId, retried: job.retried });
        return;
      }
      failure = `status ${receipt.status}`;
      retryAfterSeconds = receipt.retryAfterSeconds;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (job.retried >= options.maxRetries) {
      counts.failed++;
      logger.error("queue message failed after all retries", { messageId: job.messageId, retried: job.retried, failure });
      return;
    }
    const waitMs = retryAfterSeconds === undefined ? backoffMs(job.retried) : retryAfterSeconds * 1000;
    logger.warn("queue delivery failed, retrying", { messageId: job.messageId, retried: job.retried, failure, waitMs });
    schedule({ ...job, retried: job.retried + 1 }, waitMs);
  }

  /** The QStash-shaped transport: a signed (or in-process token) POST per attempt, read back as a receipt. */
  const overHttp = (deliver: Deliver): Consume => async (job) => {
    const response = await deliver(await buildRequest(job));
    // Only the status matters; cancelling frees the body if the transport is a real fetch.
    await response.body?.cancel().catch(() => undefined);
    const after = Number(response.headers.get("retry-after") ?? "");
    return {
      status: response.status, nonRetryable: response.headers.get(DELIVERY_HEADERS.nonRetryable) === "true",
      ...(response.headers.has("retry-after") && Number.isFinite(after) ? { retryAfterSeconds: after } : {}),
    };
  };

  async function buildRequest(job: Delivery): Promise<Request> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      [DELIVERY_HEADERS.messageId]: job.messageId,
      [DELIVERY_HEADERS.retried]: String(job.retried),
    };
    // Signed per attempt, as QStash does, so a retry after a long backoff carries an unexpired token.
    headers[DELIVERY_HEADERS.signature] = await signDelivery({ signingKey: options.signingKey, rawBody: job.body, url: options.destinationUrl });
    return new Request(options.destinationUrl, { method: "POST", body: job.body, headers });
  }

  function rememberOnce(deduplicationId: string, messageId: string): string | undefined {
    const now = Date.now();
    for (const [id, entry] of dedup) {
      if (entry.expiresAt > now && dedup.size < MAX_DEDUP_ENTRIES) break;
      dedup.delete(id);
    }
    const existing = dedup.get(deduplicationId);
    if (existing) return existing.messageId;
    dedup.set(deduplicationId, { messageId, expiresAt: now + dedupWindowMs });
    return undefined;
  }

  return {
    async publish(message: QueueMessage) {
      if (closed) throw new Error("embedded queue is closed");
      const body = JSON.stringify(message.body);
      if (body === undefined) throw new TypeError("queue message body is not JSON-serialisable");
      // randomUUID draws from a pooled entropy buffer: a fraction of getRandomValues' cost per message.
      const messageId = `msg_${crypto.randomUUID()}`;
      if (message.deduplicationId !== undefined) {
        const firstId = rememberOnce(message.deduplicationId, messageId);
        if (firstId) {
          counts.deduplicated++;
          return { messageId: firstId };
        }
      }
      counts.published++;
      schedule({ messageId, body, retried: 0, fairnessKey: message.fairnessKey }, (message.delaySeconds ?? 0) * 1000);
      return { messageId };
    },
    attach(deliver) {
      send = overHttp(deliver);
      pump();
    },
    consume(consumer) {
      send = consumer;
      pump();
    },
    idle,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      const dropped = timers.size + ready.length;
      timers.clear();
      ready.clear();
      if (dropped > 0) logger.warn("embedded queue closed with undelivered messages", { dropped });
      await idle();
    },
    stats: () => ({ ...counts }),
  };
}
