import { claimStaleDocuments } from "../db/queries/pipelines";
import type { Services } from "../http/env";
import { publishPhase } from "./messages";

/**
 * Re-publishes the current message of documents that stopped moving (a crash between commit and
 * publish, a message dropped after its retries). Claiming sets `swept_at`, so overlapping sweeps
 * do not both publish; a duplicate that still reaches the endpoint is acknowledged without effect.
 */
export async function sweepStaleDocuments(services: Services, olderThanSeconds = services.config.sweep.staleSeconds) {
  const claimed = await claimStaleDocuments(services.db, olderThanSeconds, 500);
  let republished = 0;
  for (const doc of claimed) {
    const message = { pipeline_id: doc.pipeline_id, document_id: doc.id, phase_index: doc.phase_index, generation: doc.generation };
    try {
      await publishPhase(services, message, doc.organization_id, `sweep-${doc.swept_at.getTime()}`);
      republished++;
    } catch (error) {
      services.logger.warn("sweep publish failed; next sweep retries", { document_id: doc.id, error: String(error) });
    }
  }
  if (claimed.length > 0) services.logger.info("sweep re-published stale documents", { claimed: claimed.length, republished });
  return { claimed: claimed.length, republished };
}
