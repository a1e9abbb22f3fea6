import * as v from "valibot";
import { ensureWebhookSecret, recordWebhookAttempt, webhookTarget } from "../db/queries/webhooks";
import type { Services } from "../http/env";
import { publishRunEvents } from "./endpoints";
import { eventData, eventId, WEBHOOK_EVENTS, type EventMessage, type WebhookEvent } from "./events";
import { sendSigned } from "./post";
import { newWebhookSecret } from "./sign";

/**
 * "Tell this run's webhook": that it finished (one per run and generation), that it finished with
 * cells parked for review, or that a document's last open review item was decided.
 */
export const WebhookMessageBody = v.object({
  type: v.literal("webhook"),
  event: v.optional(v.picklist(WEBHOOK_EVENTS), "pipeline.finished"),
  pipeline_id: v.pipe(v.string(), v.uuid()),
  generation: v.pipe(v.number(), v.integer(), v.minValue(1)),
  document_id: v.optional(v.pipe(v.string(), v.uuid())),
  decision_id: v.optional(v.pipe(v.string(), v.regex(/^\d{1,18}$/))),
});

export type WebhookMessage = Omit<v.InferInput<typeof WebhookMessageBody>, "type">;

/** Deduplicated at the source per event: the same ids the receiver sees in `webhook-id`. */
export function publishWebhook(services: Services, m: WebhookMessage) {
  const message: EventMessage = { ...m, event: m.event ?? "pipeline.finished" };
  const dedup = message.event === "pipeline.finished" ? `webhook-${m.pipeline_id}-${m.generation}` : `webhook-${eventId(message).slice(4)}`;
  return services.queue.publish({ body: { type: "webhook", ...message }, deduplicationId: dedup });
}

/**
 * Tells a finished run's webhook (if it has one) through the queue, and that review is needed
 * (the delivery checks for parked cells). A failed publish is logged, not raised: the run has
 * finished either way, and the sweep re-publishes lost `pipeline.finished` messages.
 */
export async function announceFinish(services: Services, pipelineId: string, generation: number, webhookUrl: string | null) {
  // The organization's endpoints hear of every run; the run's own webhook_url only of its own.
  await publishRunEvents(services, pipelineId, generation)
    .catch((error) => services.logger.warn("run events publish failed", { pipeline_id: pipelineId, error: String(error) }));
  if (!webhookUrl) return;
  const publish = (event: WebhookEvent) => publishWebhook(services, { event, pipeline_id: pipelineId, generation })
    .catch((error) => services.logger.warn("webhook publish failed", { pipeline_id: pipelineId, event, error: String(error) }));
  await Promise.all([publish("pipeline.finished"), publish("review.needed")]);
}

export type WebhookOutcome = { effect: "delivered" | "failed" | "none"; reason?: string } | { effect: "retry"; reason: string; retryAfterSeconds?: number };

/**
 * POSTs the event, signed per Standard Webhooks with the organization's secret. The id is
 * stable per (run, generation), so a receiver can drop redeliveries; non-2xx answers are retried
 * by the queue, and every attempt is recorded on the run.
 */
export async function deliverWebhook(services: Services, m: WebhookMessage, attempt: number): Promise<WebhookOutcome> {
  const message: EventMessage = { ...m, event: m.event ?? "pipeline.finished" };
  const target = await webhookTarget(services.db, message.pipeline_id);
  if (!target?.webhook_url || target.generation !== message.generation) return { effect: "none", reason: "no webhook for this run and generation" };
  const data = await eventData(services, target, message);
  if (!data) return { effect: "none", reason: `nothing to tell for ${message.event}` };
  const secret = target.webhook_secret ?? (await ensureWebhookSecret(services.db, target.organization_id, newWebhookSecret()));
  const id = eventId(message);
  const timestamp = Math.floor(services.clock.now().getTime() / 1000);
  const body = JSON.stringify({ type: message.event, data, timestamp: new Date(timestamp * 1000).toISOString() });
  const { status, error, permanent } = await sendSigned(services, { url: target.webhook_url, secret, id, timestamp, body });
  const record = (outcome: "delivered" | "retrying" | "failed") =>
    recordWebhookAttempt(services.db, {
      pipelineId: target.id, generation: target.generation, event: message.event, attempt, url: target.webhook_url!,
      statusCode: status, outcome, error,
    });
  if (!error) return await record("delivered"), { effect: "delivered" };
  if (!permanent && attempt < services.config.queueMaxRetries) return await record("retrying"), { effect: "retry", reason: error };
  await record("failed");
  return { effect: "failed", reason: error };
}
