import { Client, Receiver } from "@upstash/qstash";
import type { DeliveryVerifier, Queue } from "./interface";

/** The SDK only honours an explicit token over QSTASH_REGION env credentials when baseUrl is given too. */
const QSTASH_API_URL = "https://qstash.upstash.io";

export interface QstashQueueOptions {
  token: string;
  /** QStash API base URL; tests point it at a local stand-in. */
  baseUrl?: string;
  /** Where QStash delivers every message (the app's DELIVERY_PATH). */
  destinationUrl: string;
  /** Retries QStash makes after the first failed delivery. */
  maxRetries: number;
}

/** Deliveries of one organization in flight at once on QStash; other organizations are not held behind them. */
const ORG_PARALLELISM = 4;

export function createQstashQueue(options: QstashQueueOptions): Queue {
  // devMode false: the config we are given wins over QSTASH_DEV in the environment.
  const client = new Client({ token: options.token, baseUrl: options.baseUrl ?? QSTASH_API_URL, devMode: false });
  return {
    async publish(message) {
      const { messageId } = await client.publishJSON({
        url: message.url ?? options.destinationUrl,
        body: message.body,
        deduplicationId: message.deduplicationId,
        retries: options.maxRetries,
        delay: message.delaySeconds,
        // Per-organization flow control: at most ORG_PARALLELISM of one tenant's deliveries run at once.
        ...(message.fairnessKey ? { flowControl: { key: `org-${message.fairnessKey}`, parallelism: ORG_PARALLELISM } } : {}),
      });
      return { messageId };
    },
  };
}

/** Checks `Upstash-Signature` with the current key, then the next one, so keys rotate without downtime. */
export function createQstashVerifier(keys: { current: string; next: string }): DeliveryVerifier {
  // The Receiver silently falls back to env keys when either is missing; refuse that ambiguity up front.
  if (!keys.current || !keys.next) throw new Error("createQstashVerifier needs both the current and the next signing key");
  const receiver = new Receiver({ currentSigningKey: keys.current, nextSigningKey: keys.next, devMode: false });
  return {
    async verify(signature, rawBody) {
      try {
        // No `url` check: messages name their own kind in the body, so replaying one at another endpoint
        // has no effect, and proxies in front of the app may rewrite the URL QStash signed.
        return await receiver.verify({ signature, body: rawBody });
      } catch {
        return false;
      }
    },
  };
}
