import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { ensureWebhookSecret, listWebhookDeliveries, setWebhookSecret } from "../db/queries/webhooks";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { success } from "../http/openapi";
import { valid } from "../http/validate";
import { newWebhookSecret } from "../webhooks/sign";
import { IdParam } from "./params";
import { ownPipeline } from "./pipelines";

/**
 * The organization's webhook signing secret (admin only) and each run's delivery attempts. The
 * secret must be usable for signing, so unlike API keys it is stored as is; rotating replaces it.
 */
export const webhookRoutes = new Hono<AppEnv>()
  .get("/webhook-secret", describeRoute({
    summary: "The organization's webhook signing secret (created on first read)",
    tags: ["webhooks"],
    responses: success(200, "{ secret }"),
  }), requireScope("admin"), async (c) => {
    const secret = await ensureWebhookSecret(c.get("services").db, c.get("caller").organizationId, newWebhookSecret());
    return c.json({ secret });
  })
  .post("/webhook-secret/rotate", describeRoute({
    summary: "Replace the webhook signing secret",
    tags: ["webhooks"],
    responses: success(200, "{ secret }: the new one; the old one stops signing"),
  }), requireScope("admin"), async (c) => {
    const secret = newWebhookSecret();
    await setWebhookSecret(c.get("services").db, c.get("caller").organizationId, secret);
    return c.json({ secret });
  })
  .get("/pipelines/:id/webhook-deliveries", describeRoute({
    summary: "The run's webhook delivery attempts",
    tags: ["webhooks"],
    responses: success(200, "{ webhook_url, items }"),
  }), requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return c.json({ webhook_url: pipeline.webhook_url, items: await listWebhookDeliveries(services.db, pipeline.id) });
  });
