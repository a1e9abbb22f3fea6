import { parkedSummary, reviewedDocument, type webhookTarget } from "../db/queries/webhooks";
import type { Services } from "../http/env";

export const WEBHOOK_EVENTS = ["pipeline.finished", "review.needed", "document.reviewed"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export type Target = NonNullable<Awaited<ReturnType<typeof webhookTarget>>>;

export interface EventMessage {
  event: WebhookEvent;
  pipeline_id: string;
  generation: number;
  document_id?: string;
  decision_id?: string;
}

/** The `webhook-id` a receiver deduplicates on: stable across redeliveries of one event. */
export function eventId(m: EventMessage): string {
  if (m.event === "review.needed") return `msg_review_needed_${m.pipeline_id}_${m.generation}`;
  if (m.event === "document.reviewed") return `msg_document_reviewed_${m.document_id}_${m.decision_id}`;
  return `msg_${m.pipeline_id}_${m.generation}`; // pipeline.finished keeps the id it always had
}

function finished(target: Target, publicUrl: string) {
  const self = `${publicUrl}/v1/pipelines/${target.id}`;
  return {
    id: target.id, name: target.name, status: target.status, generation: target.generation, finished_at: target.finished_at,
    counts: {
      total: target.document_count, complete: target.complete_count, partial: target.partial_count,
      error: target.error_count, cancelled: target.cancelled_count,
    },
    links: { self, records: `${self}/records`, steps: `${self}/steps` },
  };
}

/** Review links: the API queue when the run has a data product, and the console either way. */
function reviewLinks(publicUrl: string, productId: string | null) {
  return productId
    ? { reviews: `${publicUrl}/v1/data-products/${productId}/reviews?status=open`, console: `${publicUrl}/review/products/${productId}` }
    : { console: `${publicUrl}/review` };
}

/**
 * The event's `data`, read fresh at delivery; nothing when there is nothing to tell (a finished run
 * with no parked cell needs no review).
 */
export async function eventData(services: Services, target: Target, m: EventMessage): Promise<object | undefined> {
  const { db, config } = services;
  if (m.event === "pipeline.finished") return finished(target, config.publicUrl);
  if (m.event === "review.needed") {
    const parked = await parkedSummary(db, target.id);
    if (parked.cells === 0) return undefined;
    return {
      pipeline: { id: target.id, name: target.name, generation: target.generation, status: target.status },
      parked: { cells: parked.cells, documents: parked.documents }, data_product_id: parked.productId,
      links: reviewLinks(config.publicUrl, parked.productId),
    };
  }
  const document = m.document_id ? await reviewedDocument(db, m.document_id) : undefined;
  if (!document) return undefined;
  const self = `${config.publicUrl}/v1/pipelines/${target.id}`;
  return {
    pipeline: { id: target.id, name: target.name, generation: target.generation },
    document: { id: document.id, external_id: document.external_id, filename: document.filename, status: document.status },
    decisions: Number(document.decisions),
    links: { records: `${self}/records`, decisions: `${self}/review-decisions` },
  };
}
