import { Hono } from "hono";
import { idempotentWrite } from "./idempotency";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import { named } from "../named-schema";
import { ensureWebhookSecret, listWebhookDeliveries, setWebhookSecret } from "../db/queries/webhooks";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { listPage, wholeList } from "../http/list";
import { success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid } from "../http/validate";
import { newWebhookSecret } from "../webhooks/sign";
import { IdParam } from "./params";
import { ownPipeline } from "./pipelines";
import { Timestamp } from "./schema-fields";

const SecretSchema = named("WebhookSecret", v.object({
  secret: v.pipe(v.string(), v.description("whsec_ and base64: verify webhook-signature with it (Standard Webhooks)")),
}));
const SECRET_EXAMPLE = { secret: "whsec_IviKBQX0JI9R06iGEdReRe3rpJl4rE88BDwanoEELnI=" };

/** Every attempt is listed (the list is not paged: attempts per run are few); `next_cursor` is always null. */
const DeliveryListSchema = named("WebhookDeliveryPage", listPage(
  named("WebhookDelivery", v.object({
    event: v.pipe(v.string(), v.description("pipeline.finished, or a review event")),
    generation: v.pipe(v.number(), v.description("the run generation the event is about")),
    attempt: v.pipe(v.number(), v.description("0 for the first try, one more per retry")),
    url: v.string(),
    status_code: v.pipe(v.nullable(v.number()), v.description("the receiver's answer; null when none came (timeout, refused)")),
    outcome: v.picklist(["delivered", "retrying", "failed"]),
    error: v.nullable(v.string()),
    created_at: Timestamp,
  })),
  { webhook_url: v.pipe(v.nullable(v.string()), v.description("where the run's events go; null when it has none")) },
));
const DELIVERIES_EXAMPLE = {
  webhook_url: "https://erp.example.com/hooks/sluice",
  items: [
    {
      event: "pipeline.finished", generation: 1, attempt: 0, url: "https://erp.example.com/hooks/sluice", status_code: 503,
      outcome: "retrying", error: "answered 503", created_at: "2026-11-30T00:14:07.702Z",
    },
    {
      event: "pipeline.finished", generation: 1, attempt: 1, url: "https://erp.example.com/hooks/sluice", status_code: 204,
      outcome: "delivered", error: null, created_at: "2026-11-30T00:14:09.915Z",
    },
  ],
  limit: 2,
  next_cursor: null,
};

const getWebhookSecretRoute = describeRoute({
  operationId: "getWebhookSecret",
  summary: "The organization's webhook signing secret (created on first read)",
  description: "Admin only. Unlike API keys it is stored as is, since it must be usable for signing.",
  tags: ["webhooks"],
  responses: success(200, "The secret", SecretSchema, { example: SECRET_EXAMPLE }),
});

const rotateWebhookSecretRoute = describeRoute({
  operationId: "rotateWebhookSecret",
  summary: "Replace the webhook signing secret",
  tags: ["webhooks"],
  responses: success(200, "The new secret; the old one stops signing at once", SecretSchema, { example: SECRET_EXAMPLE }),
});

const listWebhookDeliveriesRoute = describeRoute({
  operationId: "listWebhookDeliveries",
  summary: "The run's webhook delivery attempts, oldest first",
  tags: ["webhooks"],
  responses: success(200, "Every attempt, with the run's webhook_url", DeliveryListSchema, { example: DELIVERIES_EXAMPLE }),
});

/** The organization's webhook signing secret (admin only) and each run's delivery attempts. */
export const webhookRoutes = new Hono<AppEnv>()
  .get("/webhook-secret", getWebhookSecretRoute, requireScope("admin"), async (c) => {
    const secret = await ensureWebhookSecret(c.get("services").db, c.get("caller").organizationId, newWebhookSecret());
    return reply(c, SecretSchema, { secret });
  })
  .post("/webhook-secret/rotate", rotateWebhookSecretRoute, requireScope("admin"), idempotentWrite({ shownOnce: "secret" }), async (c) => {
    const secret = newWebhookSecret();
    await setWebhookSecret(c.get("services").db, c.get("caller").organizationId, secret);
    return reply(c, SecretSchema, { secret });
  })
  .get("/pipelines/:id/webhook-deliveries", listWebhookDeliveriesRoute, requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    const items = await listWebhookDeliveries(services.db, pipeline.id);
    return reply(c, DeliveryListSchema, { webhook_url: pipeline.webhook_url, ...wholeList(items) });
  });
