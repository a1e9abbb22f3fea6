import { Hono, type Context } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import {
  deleteEndpoint, findEndpoint, findEndpointDelivery, findEvent, insertEndpoint, listEndpointDeliveries, listEndpoints, listEvents,
  updateEndpoint,
} from "../db/queries/webhook-endpoints";
import { urlProblem } from "../documents/fetch";
import { badRequest, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { wholeList } from "../http/list";
import { success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid } from "../http/validate";
import { queueEndpointDelivery } from "../webhooks/endpoints";
import { newWebhookSecret } from "../webhooks/sign";
import { idempotentWrite } from "./idempotency";
import { IdParam } from "./params";
import {
  DELIVERY_LIST_EXAMPLE, DeliveryListSchema, ENDPOINT_EXAMPLE, ENDPOINT_LIST_EXAMPLE, EndpointListSchema, EndpointSchema, EndpointSecretSchema,
  EndpointWithSecretSchema, EVENT_EXAMPLE, EVENT_LIST_EXAMPLE, EventListSchema, EventSchema, EventTypes, RETRY_EXAMPLE, RetrySchema,
} from "./webhook-endpoint-schemas";

/** Events are kept and listed this long. */
const EVENT_DAYS = 30;

const Url = v.pipe(v.string(), v.url("must be an http(s) URL"), v.maxLength(2048), v.description("where events are POSTed; https in production"));
const CreateBody = v.strictObject({
  url: Url,
  events: v.pipe(EventTypes, v.description("the event types this endpoint receives")),
  description: v.optional(v.pipe(v.string(), v.maxLength(500), v.description("for people: what receives these events"))),
});
const PatchBody = v.strictObject({
  url: v.optional(Url),
  events: v.optional(v.pipe(EventTypes, v.description("the event types this endpoint receives, replacing the earlier list"))),
  description: v.optional(v.pipe(v.nullable(v.pipe(v.string(), v.maxLength(500))), v.description("for people; null clears it")), undefined),
  enabled: v.optional(v.pipe(v.boolean(), v.description("false disables it; true re-enables it and forgets its failures"))),
});
const Cursor = v.pipe(v.string(), v.regex(/^\d{1,18}$/, "must be a next_cursor this list returned"));
const Limit = v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200)), "50");
const EventQuery = v.object({ limit: Limit, cursor: v.optional(Cursor), type: v.optional(v.string()) });
const DeliveryQuery = v.object({ limit: Limit, cursor: v.optional(Cursor) });
const DeliveryParam = v.object({ id: IdParam.entries.id, delivery_id: Cursor });
const EventParam = v.object({ id: v.pipe(v.string(), v.regex(/^evt_[0-9a-f-]{36}$/, "must be an event id (evt_…)")) });

function checkUrl(c: Context<AppEnv>, url: string | undefined) {
  const problem = url && urlProblem(url, c.get("services").config.documents.fetchAllowHosts);
  if (problem) throw badRequest("invalid body", [{ path: "url", message: problem }]);
}

async function ownEndpoint(c: Context<AppEnv>, id: string) {
  const endpoint = await findEndpoint(c.get("services").db, c.get("caller").organizationId, id);
  if (!endpoint) throw notFound("webhook endpoint");
  return endpoint;
}

const withoutSecret = <T extends { secret: string }>({ secret: _secret, ...endpoint }: T) => endpoint;
const page = <T extends { id?: string; seq?: string }>(items: T[], limit: number) =>
  ({ items, limit, next_cursor: items.length === limit ? String(items[items.length - 1].seq ?? items[items.length - 1].id) : null });

const route = (operationId: string, summary: string, responses: ReturnType<typeof success>, description?: string) =>
  describeRoute({ operationId, summary, ...(description ? { description } : {}), tags: ["webhook endpoints"], responses });

export const webhookEndpointRoutes = new Hono<AppEnv>()
  .use("/webhook-endpoints", requireScope("admin"))
  .use("/webhook-endpoints/*", requireScope("admin"))
  .post("/webhook-endpoints", route("createWebhookEndpoint", "Register an endpoint for the events it wants",
    success(201, "The endpoint with its signing secret", EndpointWithSecretSchema, { example: { ...ENDPOINT_EXAMPLE, secret: "whsec_…" } }),
    "Admin only. The secret (whsec_…) signs every event to this endpoint, as Standard Webhooks describes."),
  valid("json", CreateBody), idempotentWrite({ shownOnce: "secret" }), async (c) => {
    const body = c.req.valid("json");
    checkUrl(c, body.url);
    const row = await insertEndpoint(c.get("services").db, {
      organizationId: c.get("caller").organizationId, url: body.url, description: body.description ?? null, events: [...new Set(body.events)],
      secret: newWebhookSecret(),
    });
    return reply(c, EndpointWithSecretSchema, row, 201);
  })
  .get("/webhook-endpoints", route("listWebhookEndpoints", "List the organization's webhook endpoints",
    success(200, "Every endpoint (not paged: an organization has a handful)", EndpointListSchema, { example: ENDPOINT_LIST_EXAMPLE })),
  async (c) => reply(c, EndpointListSchema, wholeList(await listEndpoints(c.get("services").db, c.get("caller").organizationId))))
  .get("/webhook-endpoints/:id", route("getWebhookEndpoint", "Get an endpoint with its signing secret",
    success(200, "The endpoint", EndpointWithSecretSchema, { example: { ...ENDPOINT_EXAMPLE, secret: "whsec_…" } })),
  valid("param", IdParam), async (c) => reply(c, EndpointWithSecretSchema, await ownEndpoint(c, c.req.valid("param").id)))
  .patch("/webhook-endpoints/:id", route("updateWebhookEndpoint", "Change an endpoint's URL, events or description, or disable or re-enable it",
    success(200, "The endpoint", EndpointSchema, { example: ENDPOINT_EXAMPLE })),
  valid("param", IdParam), valid("json", PatchBody), idempotentWrite(), async (c) => {
    const body = c.req.valid("json");
    checkUrl(c, body.url);
    const row = await updateEndpoint(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id, {
      ...body, events: body.events && [...new Set(body.events)],
    });
    if (!row) throw notFound("webhook endpoint");
    return reply(c, EndpointSchema, withoutSecret(row));
  })
  .delete("/webhook-endpoints/:id", route("deleteWebhookEndpoint", "Delete an endpoint and its delivery attempts", success(204, "Deleted")),
    valid("param", IdParam), async (c) => {
      if (!(await deleteEndpoint(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id))) throw notFound("webhook endpoint");
      return c.body(null, 204);
    })
  .post("/webhook-endpoints/:id/secret/rotate", route("rotateWebhookEndpointSecret", "Replace an endpoint's signing secret",
    success(200, "The new secret; the old one stops signing at once", EndpointSecretSchema, { example: { id: ENDPOINT_EXAMPLE.id, secret: "whsec_…" } })),
  valid("param", IdParam), idempotentWrite({ shownOnce: "secret" }), async (c) => {
    const { id } = c.req.valid("param");
    const row = await updateEndpoint(c.get("services").db, c.get("caller").organizationId, id, { secret: newWebhookSecret() });
    if (!row) throw notFound("webhook endpoint");
    return reply(c, EndpointSecretSchema, { id, secret: row.secret });
  })
  .get("/webhook-endpoints/:id/deliveries", route("listWebhookEndpointDeliveries", "List an endpoint's delivery attempts, newest first",
    success(200, "A page of attempts", DeliveryListSchema, { example: DELIVERY_LIST_EXAMPLE })),
  valid("param", IdParam), valid("query", DeliveryQuery), async (c) => {
    const endpoint = await ownEndpoint(c, c.req.valid("param").id);
    const q = c.req.valid("query");
    return reply(c, DeliveryListSchema, page(await listEndpointDeliveries(c.get("services").db, endpoint.id, q.limit, q.cursor), q.limit));
  })
  .post("/webhook-endpoints/:id/deliveries/:delivery_id/retry", route("retryWebhookEndpointDelivery", "Send an attempt's event again",
    success(202, "Queued; the new attempt appears in the deliveries", RetrySchema, { example: RETRY_EXAMPLE }),
    "Sends the event of that attempt to this endpoint once more (with its retries), whatever the first outcome was."),
  valid("param", DeliveryParam), idempotentWrite(), async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    const endpoint = await ownEndpoint(c, id);
    const delivery = await findEndpointDelivery(c.get("services").db, endpoint.id, delivery_id);
    if (!delivery) throw notFound("delivery");
    await queueEndpointDelivery(c.get("services"), { event_id: delivery.event_id, endpoint_id: endpoint.id, retry: crypto.randomUUID() });
    return reply(c, RetrySchema, { endpoint_id: endpoint.id, event_id: delivery.event_id, queued: true }, 202);
  })
  .get("/events", route("listEvents", `List the organization's events of the last ${EVENT_DAYS} days, newest first`,
    success(200, "A page of events", EventListSchema, { example: EVENT_LIST_EXAMPLE })),
  requireScope("admin"), valid("query", EventQuery), async (c) => {
    const q = c.req.valid("query");
    const rows = await listEvents(c.get("services").db, c.get("caller").organizationId, { days: EVENT_DAYS, limit: q.limit, before: q.cursor, type: q.type });
    const { items, ...rest } = page(rows, q.limit);
    return reply(c, EventListSchema, { items: items.map(({ seq: _seq, ...event }) => event), ...rest });
  })
  .get("/events/:id", route("getEvent", "Get one event", success(200, "The event", EventSchema, { example: EVENT_EXAMPLE })),
    requireScope("admin"), valid("param", EventParam), async (c) => {
      const event = await findEvent(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id);
      if (!event) throw notFound("event");
      return reply(c, EventSchema, event);
    });
