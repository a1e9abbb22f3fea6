import { Hono } from "hono";
import * as v from "valibot";
import { DELIVERY_HEADERS, DELIVERY_PATH, NON_RETRYABLE_STATUS } from "../adapters/queue/interface";
import { ApiError, errorBody } from "../errors";
import type { AppEnv } from "../http/env";
import { handleDelivery, QueueMessageBody } from "../pipeline/deliveries";

/**
 * The endpoint QStash (and the embedded queue when it is attached over HTTP) delivers to. The
 * signature is checked against the raw bytes before anything parses them; a message that can never
 * succeed answers 489 so QStash stops. `npm start` hands messages to `consumeDelivery` directly.
 */
export const deliveryRoutes = new Hono<AppEnv>().post(DELIVERY_PATH, async (c) => {
  const services = c.get("services");
  const rawBody = await c.req.text();
  const signature = c.req.header(DELIVERY_HEADERS.signature) ?? "";
  if (!signature || !(await services.verifier.verify(signature, rawBody))) {
    throw new ApiError("unauthorized", "delivery signature did not verify");
  }
  const parsed = v.safeParse(QueueMessageBody, safeJson(rawBody));
  if (!parsed.success) {
    services.logger.error("undeliverable queue message", { issues: parsed.issues.map((i) => i.message) });
    c.header(DELIVERY_HEADERS.nonRetryable, "true");
    return c.json(errorBody("bad_request", "malformed queue message"), NON_RETRYABLE_STATUS as 400);
  }
  const attempt = Number(c.req.header(DELIVERY_HEADERS.retried) ?? "0") || 0;
  const outcome = await handleDelivery(services, parsed.output, attempt);
  // Any non-2xx makes the queue redeliver later with `Upstash-Retried` one higher.
  return c.json(outcome, outcome.effect === "retry" ? 503 : 200);
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
