import type { Queue, QueueMessage } from "../adapters/queue/interface";
import { storeIdempotentResponse } from "../db/queries/idempotency";
import { findPipeline, listRecordDocuments } from "../db/queries/pipelines";
import type { Caller, Services } from "../http/env";
import { createPipeline, type CreatePipelineInput } from "./create";
import { advanceDocument } from "./engine";
import type { PhaseMessage } from "./messages";
import { presentRecords } from "./records";

/**
 * Runs every phase inline through the same engine code, with a queue that only collects messages.
 * No retries: a failing phase ends its document in `error` at once. With an Idempotency-Key the
 * finished response is what a repeat replays.
 */
export async function runPipelineInline(services: Services, caller: Caller, input: CreatePipelineInput, idempotencyKey?: string) {
  const pending: QueueMessage[] = [];
  const inlineQueue: Queue = {
    publish: async (message) => {
      pending.push(message);
      return { messageId: `inline-${pending.length}` };
    },
  };
  // Inline means here and now: a scan is not handed to a reader (READER_URL), it fails naming the way that reads it.
  const ocr = { ...services.config.ocr, readerUrl: undefined };
  const readerMissing = services.config.ocr.readerUrl ? "a sync run reads inline; create the run without /sync so READER_URL reads it" : services.readerMissing;
  const inline: Services = { ...services, queue: inlineQueue, config: { ...services.config, ocr }, readerMissing };
  const created = await createPipeline(inline, caller, input);
  for (let message = pending.shift(); message; message = pending.shift()) {
    const { type: _type, ...phase } = message.body as PhaseMessage & { type: string };
    await advanceDocument(inline, phase, services.config.queueMaxRetries);
  }
  const pipeline = await findPipeline(services.db, caller.organizationId, created.id);
  const response = presentRecords(pipeline!, await listRecordDocuments(services.db, created.id));
  if (idempotencyKey) await storeIdempotentResponse(services.db, caller.organizationId, idempotencyKey, 200, response);
  return response;
}
