import * as v from "valibot";
import { NON_RETRYABLE_STATUS, type Delivery, type DeliveryReceipt } from "../adapters/queue/interface";
import type { Services } from "../http/env";
import { advanceDocument } from "../pipeline/engine";
import { PhaseMessageBody } from "../pipeline/messages";
import { deliverWebhook, WebhookMessageBody } from "../webhooks/deliver";
import { deliverToEndpoint, emitRunEvents, EndpointDeliveryMessageBody, RunEventsMessageBody } from "../webhooks/endpoints";

/**
 * Routing of queue deliveries: every message kind the queue carries (a document's next phase, a
 * webhook attempt) is read here and handed to the domain code that owns it. Both transports use it:
 * the signed HTTP endpoint (routes/deliveries.ts) and the embedded queue's in-process consumer.
 */

/** Every message the queue carries; each names its kind so one endpoint can route them. */
export const QueueMessageBody = v.variant("type", [PhaseMessageBody, WebhookMessageBody, EndpointDeliveryMessageBody, RunEventsMessageBody]);

export type QueueMessage = v.InferOutput<typeof QueueMessageBody>;

export async function handleDelivery(services: Services, message: QueueMessage, attempt: number) {
  if (message.type === "endpoint_delivery") {
    const { type: _type, ...delivery } = message;
    return deliverToEndpoint(services, delivery, attempt);
  }
  if (message.type === "run_events") {
    await emitRunEvents(services, message.pipeline_id, message.generation);
    return { effect: "delivered" as const };
  }
  if (message.type === "webhook") {
    const { type: _type, ...webhook } = message;
    return deliverWebhook(services, webhook, attempt);
  }
  const { type: _type, ...phase } = message;
  return advanceDocument(services, phase, attempt);
}

/**
 * The embedded queue's consumer in this process: the message as the delivery endpoint would take it,
 * answered with the status it would send, minus HTTP. Nothing to verify: it never left the process.
 * A throw is a failed attempt, retried as the endpoint's 500 would be.
 */
export async function consumeDelivery(services: Services, delivery: Delivery): Promise<DeliveryReceipt> {
  const message = readQueueMessage(services, delivery.body);
  if (!message) return { status: NON_RETRYABLE_STATUS, nonRetryable: true };
  const outcome = await handleDelivery(services, message, delivery.retried);
  if (outcome.effect !== "retry") return { status: 200, nonRetryable: false };
  const after = outcome.retryAfterSeconds;
  return { status: 503, nonRetryable: false, ...(after !== undefined ? { retryAfterSeconds: after } : {}) };
}

/** A delivered body as a queue message, or undefined (logged) when it can never be one. */
export function readQueueMessage(services: Services, body: string): QueueMessage | undefined {
  const parsed = v.safeParse(QueueMessageBody, safeJson(body));
  if (parsed.success) return parsed.output;
  services.logger.error("undeliverable queue message", { issues: parsed.issues.map((i) => i.message) });
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
