import * as v from "valibot";
import type { Services } from "../http/env";
import { advanceDocument } from "./engine";
import { PhaseMessageBody } from "./messages";

/** Every message the queue carries; each names its kind so one endpoint can route them. */
export const QueueMessageBody = v.variant("type", [PhaseMessageBody]);

export type QueueMessage = v.InferOutput<typeof QueueMessageBody>;

export async function handleDelivery(services: Services, message: QueueMessage, attempt: number) {
  const { type: _type, ...phase } = message;
  return advanceDocument(services, phase, attempt);
}
