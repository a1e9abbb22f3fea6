import * as v from "valibot";
import { ensureWebhookSecret, recordWebhookAttempt, webhookTarget } from "../db/queries/webhooks";
import { checkDestination } from "../documents/fetch";
import type { Services } from "../http/env";
import { PermanentPhaseError } from "../pipeline/types";
import { newWebhookSecret, signWebhook } from "./sign";

/** "Tell this run's webhook that it finished": one per (run, generation), deduplicated at the source. */
export const WebhookMessageBody = v.object({
  type: v.literal("webhook"),
  pipeline_id: v.pipe(v.string(), v.uuid()),
  generation: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export type WebhookMessage = Omit<v.InferOutput<typeof WebhookMessageBody>, "type">;

export function publishWebhook(services: Services, m: WebhookMessage) {
  return services.queue.publish({ body: { type: "webhook", ...m }, deduplicationId: `webhook-${m.pipeline_id}-${m.generation}` });
}

/**
 * Tells a finished run's webhook (if it has one) through the queue. A failed publish is logged,
 * not raised: the run has finished either way, and the sweep re-publishes lost webhook messages.
 */
export async function announceFinish(services: Services, pipelineId: string, generation: number, webhookUrl: string | null) {
  if (!webhookUrl) return;
  await publishWebhook(services, { pipeline_id: pipelineId, generation })
    .catch((error) => services.logger.warn("webhook publish failed; the sweep will recover", { pipeline_id: pipelineId, error: String(error) }));
}

type Target = NonNullable<Awaited<ReturnType<typeof webhookTarget>>>;

function summary(target: Target, publicUrl: string) {
  const self = `${publicUrl}/v1/pipelines/${target.id}`;
  return {
    type: "pipeline.finished",
    data: {
      id: target.id, name: target.name, status: target.status, generation: target.generation, finished_at: target.finished_at,
      counts: { total: target.document_count, complete: target.complete_count, partial: target.partial_count, error: target.error_count, cancelled: target.cancelled_count },
      links: { self, records: `${self}/records`, steps: `${self}/steps` },
    },
  };
}

async function post(services: Services, url: string, headers: Record<string, string>, body: string) {
  const { documents } = services.config;
  await checkDestination(new URL(url), { resolver: services.resolver, allowHosts: documents.fetchAllowHosts });
  // The fetcher never follows redirects (a receiver that moves must be re-registered, not chased into
  // our network) and, where the runtime allows, connects only to the address just checked.
  const res = await services.fetcher(new URL(url), { method: "POST", headers, body, signal: AbortSignal.timeout(documents.fetchTimeoutMs) })
    .catch((error) => {
      // The address the name resolved to at connect time is refused just like one found by the check.
      throw (error as { code?: string }).code === "EADDRNOTALLOWED" ? new PermanentPhaseError("url_refused", (error as Error).message) : error;
    });
  await res.body?.cancel();
  return res.status;
}

export type WebhookOutcome = { effect: "delivered" | "failed" | "none"; reason?: string } | { effect: "retry"; reason: string };

/**
 * POSTs the run's summary, signed per Standard Webhooks with the organization's secret. The id is
 * stable per (run, generation), so a receiver can drop redeliveries; non-2xx answers are retried
 * by the queue, and every attempt is recorded on the run.
 */
export async function deliverWebhook(services: Services, message: WebhookMessage, attempt: number): Promise<WebhookOutcome> {
  const target = await webhookTarget(services.db, message.pipeline_id);
  if (!target?.webhook_url || target.generation !== message.generation) return { effect: "none", reason: "no webhook for this run and generation" };
  const secret = target.webhook_secret ?? (await ensureWebhookSecret(services.db, target.organization_id, newWebhookSecret()));
  const id = `msg_${target.id}_${target.generation}`;
  const timestamp = Math.floor(services.clock.now().getTime() / 1000);
  const body = JSON.stringify({ ...summary(target, services.config.publicUrl), timestamp: new Date(timestamp * 1000).toISOString() });
  const headers = { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": await signWebhook(secret, id, timestamp, body) };
  let status: number | null = null;
  let error: string | null = null;
  let permanent = false;
  try {
    status = await post(services, target.webhook_url, headers, body);
    if (status < 200 || status >= 300) error = `answered ${status}`;
  } catch (e) {
    permanent = e instanceof PermanentPhaseError;
    error = e instanceof Error ? e.message : String(e);
  }
  const record = (outcome: "delivered" | "retrying" | "failed") =>
    recordWebhookAttempt(services.db, { pipelineId: target.id, generation: target.generation, attempt, url: target.webhook_url!, statusCode: status, outcome, error });
  if (!error) return await record("delivered"), { effect: "delivered" };
  if (!permanent && attempt < services.config.queueMaxRetries) return await record("retrying"), { effect: "retry", reason: error };
  await record("failed");
  return { effect: "failed", reason: error };
}
