/**
 * The queue carries one message per document per phase to the internal delivery endpoint.
 * Delivery is at least once: the endpoint makes effects exactly once.
 */
export interface QueueMessage {
  /** JSON-serialisable body; delivered verbatim as the request body. */
  body: unknown;
  /** Messages with the same id published within the dedup window are delivered once. */
  deduplicationId?: string;
  /** Deliver no sooner than this many seconds from now. */
  delaySeconds?: number;
  /** Deliveries are shared fairly between keys (the organization): round-robin embedded, flow control on QStash. */
  fairnessKey?: string;
  /** Deliver to this endpoint instead of the queue's own (a Worker handing a scan to its reader, READER_URL).
   *  The embedded queue has one consumer, its own process, and ignores it. */
  url?: string;
}

export interface Queue {
  publish(message: QueueMessage): Promise<{ messageId: string }>;
}

/** One message as a queue hands it to its consumer: the raw body, its id, and deliveries already attempted. */
export interface Delivery {
  messageId: string;
  body: string;
  /** Attempts before this one, as QStash's `Upstash-Retried`. */
  retried: number;
  fairnessKey?: string;
}

/** How a delivery went, read as from the endpoint's response: 2xx done, 489 with `nonRetryable` stop, else retry. */
export interface DeliveryReceipt {
  status: number;
  nonRetryable: boolean;
  /** The consumer's `Retry-After`: wait this long before the next attempt instead of the backoff (QStash honours the header). */
  retryAfterSeconds?: number;
}

/** Verifies an `Upstash-Signature` against the raw body before anything parses it. */
export interface DeliveryVerifier {
  verify(signature: string, rawBody: string): Promise<boolean>;
}

/** Path of the internal endpoint every queue delivers to. */
export const DELIVERY_PATH = "/internal/queue";

/** Header names shared by QStash and the embedded queue. */
export const DELIVERY_HEADERS = {
  signature: "Upstash-Signature",
  retried: "Upstash-Retried",
  messageId: "Upstash-Message-Id",
  nonRetryable: "Upstash-NonRetryable-Error",
} as const;

/** QStash stops retrying on 489 when the response also carries `Upstash-NonRetryable-Error: true`. */
export const NON_RETRYABLE_STATUS = 489;
