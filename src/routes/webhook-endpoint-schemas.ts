import * as v from "valibot";
import { named } from "../named-schema";
import { listPage } from "../http/list";
import { ENDPOINT_EVENTS } from "../webhooks/endpoints";
import { Timestamp, Uuid } from "./schema-fields";

/** The event types an endpoint subscribes to: at least one, each a known type. */
export const EventTypes = v.pipe(v.array(v.picklist(ENDPOINT_EVENTS)), v.minLength(1, "name at least one event type"));

const endpointEntries = {
  id: Uuid,
  url: v.pipe(v.string(), v.description("where events are POSTed")),
  description: v.nullable(v.string()),
  events: v.pipe(v.array(v.picklist(ENDPOINT_EVENTS)), v.description("the event types it receives")),
  status: v.pipe(v.picklist(["enabled", "disabled"]), v.description("disabled endpoints receive nothing")),
  disabled_reason: v.pipe(v.nullable(v.string()), v.description("why it was disabled (through the API, or failing for days)")),
  failing_since: v.pipe(v.nullable(Timestamp), v.description("since when every delivery has failed; null while it delivers")),
  created_at: Timestamp,
  updated_at: Timestamp,
};

export const EndpointSchema = named("WebhookEndpoint", v.object(endpointEntries));
export const EndpointWithSecretSchema = named(
  "WebhookEndpointWithSecret",
  v.object({ ...endpointEntries, secret: v.pipe(v.string(), v.description("whsec_…: verify webhook-signature with it (Standard Webhooks)")) }),
);
export const EndpointListSchema = named("WebhookEndpointPage", listPage(EndpointSchema));
export const EndpointSecretSchema = named("WebhookEndpointSecret", v.object({ id: Uuid, secret: v.string() }));

export const EventSchema = named("Event", v.object({
  id: v.pipe(v.string(), v.description("evt_…; also the webhook-id header of its deliveries")),
  type: v.pipe(v.string(), v.description(ENDPOINT_EVENTS.join(", "))),
  data: v.pipe(v.record(v.string(), v.unknown()), v.description("as delivered: for run events the same data the run's webhook_url gets")),
  created_at: Timestamp,
}));
export const EventListSchema = named("EventPage", listPage(EventSchema));

export const DeliveryListSchema = named("WebhookEndpointDeliveryPage", listPage(named("WebhookEndpointDelivery", v.object({
  id: v.pipe(v.string(), v.description("the attempt's id, for …/deliveries/{delivery_id}/retry")),
  event_id: v.string(),
  attempt: v.pipe(v.number(), v.description("0 for the first try, one more per retry")),
  status_code: v.pipe(v.nullable(v.number()), v.description("the receiver's answer; null when none came")),
  outcome: v.picklist(["delivered", "retrying", "failed"]),
  error: v.nullable(v.string()),
  created_at: Timestamp,
}))));

export const RetrySchema = named("DeliveryRetry", v.object({ endpoint_id: Uuid, event_id: v.string(), queued: v.literal(true) }));

export const ENDPOINT_EXAMPLE = {
  id: "6f1c2a57-3f0e-4c1b-9a53-0c0f1d7e2b11", url: "https://erp.example.com/hooks/sluice", description: "ERP import",
  events: ["run.completed", "review.needed"], status: "enabled", disabled_reason: null, failing_since: null,
  created_at: "2026-12-01T09:00:00.000Z", updated_at: "2026-12-01T09:00:00.000Z",
};
export const ENDPOINT_LIST_EXAMPLE = { items: [ENDPOINT_EXAMPLE], limit: 1, next_cursor: null };
export const EVENT_EXAMPLE = {
  id: "evt_0b7e4f39-31a5-4a43-8f0a-5d2a1e1f7c90", type: "run.completed",
  data: { id: "3d49f7bf-a034-4420-8044-898fe57e64f2", status: "completed", generation: 1 }, created_at: "2026-12-01T09:14:07.702Z",
};
export const EVENT_LIST_EXAMPLE = { items: [EVENT_EXAMPLE], limit: 50, next_cursor: null };
export const DELIVERY_LIST_EXAMPLE = {
  items: [{
    id: "42", event_id: EVENT_EXAMPLE.id, attempt: 0, status_code: 204, outcome: "delivered", error: null, created_at: "2026-12-01T09:14:08.001Z",
  }],
  limit: 50, next_cursor: null,
};
export const RETRY_EXAMPLE = { endpoint_id: ENDPOINT_EXAMPLE.id, event_id: EVENT_EXAMPLE.id, queued: true };
