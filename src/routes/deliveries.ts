import { Hono } from "hono";
import { DELIVERY_HEADERS, DELIVERY_PATH, NON_RETRYABLE_STATUS } from "../adapters/queue/interface";
import { ApiError, errorBody } from "../errors";
import type { AppEnv } from "../http/env";
import { handleDelivery, readQueueMessage } from "../deliveries/route";

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
  const message = readQueueMessage(services, rawBody);
  if (!message) {
    c.header(DELIVERY_HEADERS.nonRetryable, "true");
    return c.json(errorBody("bad_request", "malformed queue message"), NON_RETRYABLE_STATUS as 400);
  }
  const attempt = Number(c.req.header(DELIVERY_HEADERS.retried) ?? "0") || 0;
  const outcome = await handleDelivery(services, message, attempt);
  // Any non-2xx makes the queue redeliver later with `Upstash-Retried` one higher; Retry-After sets when.
  if (outcome.effect === "retry" && outcome.retryAfterSeconds !== undefined) c.header("Retry-After", String(outcome.retryAfterSeconds));
  return c.json(outcome, outcome.effect === "retry" ? 503 : 200);
});

