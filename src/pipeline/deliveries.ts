import * as v from "valibot";
import type { Services } from "../http/env";
import { deliverWebhook, WebhookMessageBody } from "../webhooks/deliver";
import { advanceDocument } from "./engine";
import { PhaseMessageBody } from "./messages";

/** Every message the queue carries; each names its kind so one endpoint can route them. */
export const QueueMessageBody = v.variant("type", [PhaseMessageBody, WebhookMessageBody]);

export type QueueMessage = v.InferOutput<typeof QueueMessageBody>;

export async function handleDelivery(services: Services, message: QueueMessage, attempt: number) {
  if (message.type === "webhook") {
    const { type: _type, ...webhook } = message;
    return deliverWebhook(services, webhook, attempt);
  }
  const { type: _type, ...phase } = message;
  return advanceDocument(services, phase, attempt);
}
