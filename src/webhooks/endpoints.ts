import * as v from "valibot";
import {
  deliveryTarget, endpointFailed, endpointSucceeded, insertEvent, recordEndpointAttempt, subscribedEndpoints,
} from "../db/queries/webhook-endpoints";
import { webhookTarget } from "../db/queries/webhooks";
import { sha256Hex } from "../crypto";
import type { Services } from "../http/env";
import { eventData, eventId, type EventMessage } from "./events";
import { sendSigned } from "./post";
import { runPublished } from "./product-updated";

/** What an endpoint can subscribe to; `run.completed` is the per-run webhook's `pipeline.finished`. */
export const ENDPOINT_EVENTS = [
  "run.completed", "document.completed", "review.needed", "document.reviewed", "data_product.updated", "webhook_endpoint.disabled",
] as const;
export type EndpointEvent = (typeof ENDPOINT_EVENTS)[number];

export const EndpointDeliveryMessageBody = v.object({
  type: v.literal("endpoint_delivery"),
  event_id: v.pipe(v.string(), v.regex(/^evt_[0-9a-f-]{36}$/)),
  endpoint_id: v.pipe(v.string(), v.uuid()),
  /** Set by a manual retry, so its message is not deduplicated against the first delivery. */
  retry: v.optional(v.string()),
});
export type EndpointDeliveryMessage = Omit<v.InferOutput<typeof EndpointDeliveryMessageBody>, "type">;

/** One message per subscribed endpoint; the queue retries each on its own. */
export async function queueEndpointDelivery(services: Services, m: EndpointDeliveryMessage) {
  const dedup = `endpoint-${m.event_id}-${m.endpoint_id}${m.retry ? `-${m.retry}` : ""}`;
  await services.queue.publish({ body: { type: "endpoint_delivery", ...m }, deduplicationId: dedup });
}

/** A finished run's events, emitted by a delivery of their own so the finishing phase stays at two round trips. */
export const RunEventsMessageBody = v.object({
  type: v.literal("run_events"),
  pipeline_id: v.pipe(v.string(), v.uuid()),
  generation: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export function publishRunEvents(services: Services, pipelineId: string, generation: number) {
  const body = { type: "run_events", pipeline_id: pipelineId, generation };
  return services.queue.publish({ body, deduplicationId: `run-events-${pipelineId}-${generation}` });
}

/** The event's id, named by what happened (`key`): a redelivered message finds the event it already kept. */
export async function stableEventId(key: string): Promise<string> {
  const h = await sha256Hex(key);
  return `evt_${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Keeps the event (GET /v1/events shows it for 30 days) and queues it to every endpoint that wants it.
 * Kept again under the same id it is the same event, and its deliveries are deduplicated by the queue.
 */
export async function emitEvent(services: Services, organizationId: string, type: EndpointEvent, data: object, id?: string) {
  const event = await insertEvent(services.db, { id: id ?? `evt_${crypto.randomUUID()}`, organizationId, type, data });
  await fanOut(services, event.id, (await subscribedEndpoints(services.db, organizationId, type)).map((e) => e.id));
  return event;
}

/** Queues a kept event to the endpoints that want it (one message each, deduplicated by event and endpoint). */
export async function fanOut(services: Services, eventId: string, endpointIds: string[]) {
  for (const endpointId of endpointIds) await queueEndpointDelivery(services, { event_id: eventId, endpoint_id: endpointId });
}

/**
 * A run's events, with the payloads its own webhook gets, and its data product's update when the finish
 * published new rows; failures are logged, the run has finished either way.
 */
export async function emitRunEvents(services: Services, pipelineId: string, generation: number, message?: Omit<EventMessage, "pipeline_id" | "generation">) {
  const pairs: Array<[EndpointEvent, EventMessage]> = message
    ? [["document.reviewed", { ...message, pipeline_id: pipelineId, generation }]]
    : [["run.completed", { event: "pipeline.finished", pipeline_id: pipelineId, generation }],
      ["review.needed", { event: "review.needed", pipeline_id: pipelineId, generation }]];
  try {
    const target = await webhookTarget(services.db, pipelineId);
    if (!target) return;
    for (const [type, m] of pairs) {
      const data = await eventData(services, target, m);
      if (data) await emitEvent(services, target.organization_id, type, data, await stableEventId(eventId(m)));
    }
    const published = message ? undefined : runPublished(services.config.publicUrl, target, generation);
    if (published) await emitEvent(services, target.organization_id, "data_product.updated", published.data, await stableEventId(published.key));
  } catch (error) {
    services.logger.warn("event emission failed", { pipeline_id: pipelineId, error: String(error) });
  }
}

export type EndpointOutcome = { effect: "delivered" | "failed" | "none"; reason?: string } | { effect: "retry"; reason: string; retryAfterSeconds?: number };

/**
 * POSTs one event to one endpoint, signed with the endpoint's secret (Standard Webhooks; the
 * event id is the `webhook-id`). Non-2xx answers are retried by the queue; when every attempt
 * failed, the endpoint counts as failing, and after WEBHOOK_DISABLE_AFTER_DAYS of that it is
 * disabled and a `webhook_endpoint.disabled` event says so.
 */
export async function deliverToEndpoint(services: Services, m: EndpointDeliveryMessage, attempt: number): Promise<EndpointOutcome> {
  const target = await deliveryTarget(services.db, m.endpoint_id, m.event_id);
  if (!target || target.status !== "enabled") return { effect: "none", reason: "no enabled endpoint for this event" };
  const timestamp = Math.floor(services.clock.now().getTime() / 1000);
  const body = JSON.stringify({ type: target.type, data: target.data, timestamp: target.created_at.toISOString() });
  const { status, error, permanent } = await sendSigned(services, { url: target.url, secret: target.secret, id: target.event_id, timestamp, body });
  const record = (outcome: "delivered" | "retrying" | "failed") =>
    recordEndpointAttempt(services.db, { endpointId: target.endpoint_id, eventId: target.event_id, attempt, statusCode: status, outcome, error });
  if (!error) {
    await record("delivered");
    await endpointSucceeded(services.db, target.endpoint_id);
    return { effect: "delivered" };
  }
  if (!permanent && attempt < services.config.queueMaxRetries) return await record("retrying"), { effect: "retry", reason: error };
  await record("failed");
  const days = services.config.webhookDisableAfterDays;
  const disabled = await endpointFailed(services.db, target.endpoint_id, days, services.clock.now());
  if (disabled) {
    await emitEvent(services, disabled.organization_id, "webhook_endpoint.disabled", {
      endpoint: { id: disabled.id, url: disabled.url }, failing_since: disabled.failing_since, reason: `every delivery failed for ${days} days`,
    });
  }
  return { effect: "failed", reason: error };
}
