import type { DeliveryState, Outcome, PhaseCommit } from "../db/queries/deliveries";
import type { Services } from "../http/env";
import type { Cells } from "../pipeline/types";
import { fanOut, stableEventId } from "./endpoints";

/**
 * The `document.completed` event of a document processed to its end (complete, partial or error) in a
 * generation; cancelled documents are told by the run's `run.completed`. Built before the commit and
 * kept by it, so the finishing phase reads and writes nothing more. Its id is named by (document,
 * generation): a rerun's finish is a new event; a redelivery of the same phase commits nothing and keeps nothing.
 */
export async function documentCompleted(
  services: Services, state: DeliveryState, outcome: Exclude<Outcome, "cancelled">, cells: Cells, error?: { code: string; message: string },
): Promise<NonNullable<PhaseCommit["event"]>> {
  const self = `${services.config.publicUrl}/v1/pipelines/${state.pipeline_id}`;
  const needsReview = Object.values(cells ?? {}).filter((cell) => cell?.status === "needs_review").length;
  return {
    id: await stableEventId(`msg_document_completed_${state.id}_${state.generation}`),
    type: "document.completed",
    data: {
      pipeline: { id: state.pipeline_id, name: state.pipeline_name, generation: state.generation },
      document: {
        id: state.id, external_id: state.external_id, filename: state.filename, status: outcome,
        parent_document_id: state.parent_document_id, error: error ?? null,
      },
      needs_review: needsReview,
      links: { records: `${self}/records`, content: `${self}/documents/${state.id}/content` },
    },
  };
}

/** After the commit: the event it kept goes to the endpoints that want it (none when it kept nothing). */
export async function queueDocumentCompleted(services: Services, event: PhaseCommit["event"], endpointIds: string[]) {
  if (!event || endpointIds.length === 0) return;
  await fanOut(services, event.id, endpointIds)
    .catch((error) => services.logger.warn("document.completed publish failed", { event_id: event.id, error: String(error) }));
}
