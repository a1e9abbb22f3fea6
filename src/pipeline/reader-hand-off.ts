import { DELIVERY_PATH } from "../adapters/queue/interface";
import { recordRetry, type DeliveryState } from "../db/queries/deliveries";
import type { Services } from "../http/env";
import { phaseDedupId, type PhaseMessage } from "./messages";

/**
 * A Worker has no OCR. With READER_URL it sends a scan's transfer phase, the same message, to a Node
 * deployment of the app on the same database (its signed delivery endpoint), which reads the pages,
 * commits the parse and publishes the next phase as usual. Nothing is committed here, so the existing
 * rules keep effects exactly once: whichever delivery commits the phase first wins, the rest are late.
 * The start is un-counted (it is not a crash) and kept as a step, so the run shows where the phase went.
 */
export async function handToReader(
  services: Services, readerUrl: string, state: DeliveryState, message: PhaseMessage,
  step: { phaseType: string; attempt: number; startedAt: Date; reason: string },
): Promise<void> {
  await services.queue.publish({
    body: { type: "phase", ...message }, url: `${readerUrl}${DELIVERY_PATH}`, deduplicationId: phaseDedupId(message, "reader"),
  });
  await recordRetry(services.db, {
    pipelineId: state.pipeline_id, executionId: state.execution_id, documentId: state.id,
    phaseIndex: message.phase_index, phaseType: step.phaseType, generation: message.generation,
    attempt: step.attempt, startedAt: step.startedAt, finishedAt: services.clock.now(),
    error: { code: "ocr_handed_off", message: `${step.reason}; handed to the reader at READER_URL` },
  });
}
