import { findLostEndpointEvents } from "../db/queries/webhook-endpoints";
import { findLostWebhooks } from "../db/queries/webhooks";
import type { Services } from "../http/env";
import { publishWebhook } from "./deliver";
import { queueEndpointDelivery } from "./endpoints";

/** Older finishes are left alone: a lost publish is rare, and the scan stays bounded by a day of runs. */
const LOOKBACK_SECONDS = 24 * 60 * 60;

/**
 * Re-publishes the webhook of runs that finished without any delivery attempt. The message keeps
 * its deduplication id, so one still waiting in the queue is not sent twice.
 */
export async function sweepLostWebhooks(services: Services, olderThanSeconds = services.config.sweep.staleSeconds) {
  const lost = await findLostWebhooks(services.db, { olderThanSeconds, lookbackSeconds: LOOKBACK_SECONDS, limit: 500 });
  let republished = 0;
  for (const run of lost) {
    try {
      await publishWebhook(services, { pipeline_id: run.id, generation: run.generation });
      republished++;
    } catch (error) {
      services.logger.warn("webhook sweep publish failed; next sweep retries", { pipeline_id: run.id, error: String(error) });
    }
  }
  if (lost.length > 0) services.logger.info("sweep re-published lost webhooks", { found: lost.length, republished });
  return { found: lost.length, republished };
}

/**
 * The same for endpoint events: each kept event a subscribed endpoint never got an attempt at is
 * queued again under its deduplication id (event and endpoint), so a message still waiting is not sent twice.
 */
export async function sweepLostEndpointEvents(services: Services, olderThanSeconds = services.config.sweep.staleSeconds) {
  const lost = await findLostEndpointEvents(services.db, { olderThanSeconds, lookbackSeconds: LOOKBACK_SECONDS, limit: 500 });
  let republished = 0;
  for (const m of lost) {
    try {
      await queueEndpointDelivery(services, m);
      republished++;
    } catch (error) {
      services.logger.warn("endpoint event sweep publish failed; next sweep retries", { ...m, error: String(error) });
    }
  }
  if (lost.length > 0) services.logger.info("sweep re-published lost endpoint events", { found: lost.length, republished });
  return { found: lost.length, republished };
}
