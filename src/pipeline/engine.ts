import { commitPhase, loadDelivery, recordRetry, type DeliveryState, type Outcome } from "../db/queries/deliveries";
import { findCachedParse } from "../db/queries/parse-cache";
import type { Services } from "../http/env";
import { childrenOf, type ChildrenResult } from "./children";
import { initialCells, type CompiledPipeline } from "./definition";
import { announceFinish } from "../webhooks/deliver";
import { documentCompleted, queueDocumentCompleted } from "../webhooks/document-completed";
import { findPipeline } from "../db/queries/pipelines";
import { evaluateFinishedRun, wantsEvaluation } from "../evaluations/evaluate";
import { publishPhase, type PhaseMessage } from "./messages";
import { ModelRetryLater, readWithModel, type ModelPassResult } from "./model-pass";
import { modelRun, readsWithModel } from "./model-run";
import { documentOutcome } from "./outcome";
import type { PhaseContext } from "./phases/context";
import { runExtraction } from "./phases/extraction";
import { runResolution } from "./phases/resolution";
import { ocrOptions, runTransfer, type DocumentSource, type TransferDeps, type TransferInput } from "./phases/transfer";
import { runValidation } from "./phases/validation";
import { checkCellsSize } from "./cell-size";
import { PermanentPhaseError, type Cells, type ParsedDocument } from "./types";
import { ReaderNeeded } from "../documents/parse/ocr";
import { handToReader } from "./reader-hand-off";

export type DeliveryOutcome =
  | { effect: "advanced"; document_id: string; phase_index: number; outcome: Outcome | null; pipeline_finished: boolean }
  | { effect: "none"; reason: string }
  | { effect: "retry"; reason: string; retryAfterSeconds?: number };

interface PhaseResult {
  cells: Cells;
  parsed?: ParsedDocument;
  /** Transfer: the child documents the parse made (attachments, split parts). */
  children?: ChildrenResult;
  cache?: { lookupKey: string; cacheHit: boolean };
  notes?: unknown;
  llm?: ModelPassResult["notes"];
}

function transferDeps(services: Services, organizationId: string): TransferDeps {
  const { documents } = services.config;
  return {
    fetchPolicy: {
      fetcher: services.fetcher, resolver: services.resolver, allowHosts: documents.fetchAllowHosts, timeoutMs: documents.fetchTimeoutMs,
      maxBytes: documents.maxFileBytes, maxRedirects: documents.fetchMaxRedirects,
    },
    maxPages: documents.maxPages,
    parseLimits: documents.parseLimits,
    parse: services.parse,
    reader: services.reader ?? null,
    readerMissing: services.readerMissing ?? "OCR runs on the Node deployment",
    findCachedParse: async (key) => (await findCachedParse(services.db, organizationId, key)) as ParsedDocument | null,
  };
}

async function runPhase(services: Services, pipeline: CompiledPipeline, phaseIndex: number, state: DeliveryState, attempt: number): Promise<PhaseResult> {
  const phase = pipeline.phases[phaseIndex];
  if (phase.type === "transfer") {
    const input: TransferInput = {
      source: state.source as DocumentSource, filename: state.filename, mimeType: state.mime_type,
      // The run's page_range is about its inputs, not the files attached to them.
      pageRange: state.parent_document_id ? null : state.options?.page_range ?? null, skipCache: state.options?.skip_cache ?? false,
      cacheKey: state.cache_key, cached: state.cached_parse as ParsedDocument | null,
      ocr: ocrOptions(pipeline, state.options?.ocr),
    };
    const transferred = await runTransfer(input, transferDeps(services, state.organization_id));
    const children = await childrenOf(transferred.parsed, phase.split, state.depth ?? 0);
    const { lookupKey, cacheHit, notes } = transferred;
    return { cells: state.cells as Cells, parsed: children.parsed, children, cache: { lookupKey, cacheHit }, notes };
  }
  const ctx: PhaseContext = {
    pipeline,
    phaseIndex,
    parsed: state.parsed as ParsedDocument | null,
    cells: state.cells as Cells,
    uniqueness: state.uniqueness,
    decisions: state.decisions,
    context: state.options?.context,
    ...(state.part ? { partType: (state.part as { type: string | null }).type } : {}),
  };
  if (phase.type === "extraction" && readsWithModel(pipeline)) {
    const { cells, notes } = await readWithModel(ctx, await runExtraction(ctx), modelRun(services, state, attempt));
    return { cells, llm: notes };
  }
  const run = { extraction: runExtraction, resolution: runResolution, validation: runValidation }[phase.type];
  return { cells: await run(ctx) };
}

/**
 * The commit that finished the run (there is exactly one) announces it to the run's webhook and,
 * for a run created with `run_evals`, evaluates it (only then does the finishing delivery read more).
 */
async function announceIfFinished(services: Services, state: DeliveryState, finished: boolean) {
  if (!finished) return;
  if (wantsEvaluation(state.options)) await evaluateFinishedRun(services, await findPipeline(services.db, state.organization_id, state.pipeline_id));
  await announceFinish(services, state.pipeline_id, state.generation, state.webhook_url);
}

const describe = (error: unknown) =>
  error instanceof PermanentPhaseError
    ? { code: error.code, message: error.message }
    : { code: "phase_failed", message: error instanceof Error ? error.message : String(error) };

/** Ends the document in `error` with the reason kept; the rest of the run goes on. */
async function fail(
  services: Services, state: DeliveryState, message: PhaseMessage,
  f: { attempt: number; startedAt: Date; reason: { code: string; message: string }; attempts: number },
): Promise<DeliveryOutcome> {
  const phase = (state.config as CompiledPipeline).phases[message.phase_index];
  const event = await documentCompleted(services, state, "error", state.cells as Cells, f.reason);
  const done = await commitPhase(services.db, {
    documentId: state.id, phaseIndex: message.phase_index, generation: message.generation, nextPhaseIndex: message.phase_index,
    outcome: "error", cells: state.cells, error: { ...f.reason, phase_index: message.phase_index, attempts: f.attempts },
    snapshot: false, published: 0, executionId: state.execution_id, event,
    step: { phaseType: phase.type, attempt: f.attempt, status: "failed", startedAt: f.startedAt, finishedAt: services.clock.now(), error: f.reason },
  });
  await queueDocumentCompleted(services, event, done.endpoints);
  await announceIfFinished(services, state, done.finished);
  return done.advanced
    ? { effect: "advanced", document_id: state.id, phase_index: message.phase_index, outcome: "error", pipeline_finished: done.finished }
    : { effect: "none", reason: "raced" };
}

/**
 * Handles one delivery: advance exactly one document by exactly one phase, or do nothing if the
 * message is a duplicate, late or for a cancelled run. Two round trips on the happy path: one read,
 * one write statement. The next message is published only after the write committed.
 */
export async function advanceDocument(services: Services, message: PhaseMessage, attempt: number): Promise<DeliveryOutcome> {
  const { db, clock, config } = services;
  const state = await loadDelivery(db, message.document_id, { phaseIndex: message.phase_index, generation: message.generation });
  if (!state || state.pipeline_id !== message.pipeline_id) return { effect: "none", reason: "unknown document" };
  if (state.phase_index !== message.phase_index || state.generation !== message.generation || !["queued", "processing"].includes(state.status)) {
    return { effect: "none", reason: "duplicate or late delivery" };
  }
  const pipeline = state.config as CompiledPipeline;
  const phase = pipeline.phases[message.phase_index];
  const startedAt = clock.now();
  const base = { documentId: state.id, executionId: state.execution_id, phaseIndex: message.phase_index, generation: message.generation, parsed: undefined };

  if (state.cancel_requested) {
    const done = await commitPhase(db, {
      ...base, nextPhaseIndex: message.phase_index, outcome: "cancelled", cells: state.cells, snapshot: false, published: 0,
      step: { phaseType: phase.type, attempt, status: "cancelled", startedAt, finishedAt: clock.now() },
    });
    await announceIfFinished(services, state, done.finished);
    return done.advanced
      ? {
        effect: "advanced",
        document_id: state.id,
        phase_index: message.phase_index,
        outcome: "cancelled",
        pipeline_finished: done.finished,
      }
      : { effect: "none", reason: "raced" };
  }

  // Every earlier start of this phase neither committed nor failed cleanly: its process died in it.
  const crashes = (state.phase_starts ?? 1) - 1;
  if (crashes >= config.maxPhaseCrashes) {
    const reason = { code: "phase_crashed", message: `the ${phase.type} phase ended its process ${crashes} times; the document is retired` };
    return fail(services, state, message, { attempt, startedAt, reason, attempts: crashes });
  }

  // A throw here is not a crash: it is retried (a permanent error is not) and its start un-counted,
  // so `phase_crashed` is left for deliveries whose process died.
  const failed = async (error: unknown): Promise<DeliveryOutcome> => {
    const readerUrl = config.ocr.readerUrl;
    if (error instanceof ReaderNeeded && readerUrl) {
      const step = { phaseType: phase.type, attempt, startedAt, reason: error.message };
      // A failed publish is retried like any other failure; the next attempt hands off again.
      return handToReader(services, readerUrl, state, message, step).then((): DeliveryOutcome => ({ effect: "none", reason: "handed to the reader" }), failed);
    }
    const reason = describe(error);
    if (!(error instanceof PermanentPhaseError) && attempt < config.queueMaxRetries) {
      await recordRetry(db, {
        pipelineId: state.pipeline_id, executionId: state.execution_id, documentId: state.id,
        phaseIndex: message.phase_index, phaseType: phase.type, generation: message.generation,
        attempt, startedAt, finishedAt: clock.now(), error: reason,
      });
      // A model server's Retry-After becomes the queue's delay before the next delivery (never a sleep here).
      const after = error instanceof ModelRetryLater ? { retryAfterSeconds: error.retryAfterSeconds } : {};
      return { effect: "retry", reason: reason.message, ...after };
    }
    return fail(services, state, message, { attempt, startedAt, reason, attempts: attempt + 1 });
  };
  let committed: Awaited<ReturnType<typeof commitResult>>;
  try {
    committed = await commitResult(services, { state, message, pipeline, startedAt, attempt });
  } catch (error) {
    return failed(error);
  }
  const { done, outcome, last, next, event } = committed;
  if (!done.advanced) return { effect: "none", reason: "raced: another delivery advanced this document first" };
  await queueDocumentCompleted(services, event, done.endpoints);
  await announceIfFinished(services, state, done.finished);
  for (const child of done.children) {
    await publishPhase(services, { pipeline_id: state.pipeline_id, document_id: child.id, phase_index: child.phase_index, generation: message.generation }, state.organization_id)
      .catch((error) => services.logger.warn("publish failed; the sweep will recover", { document_id: child.id, error: String(error) }));
  }
  if (!last) {
    // A lost publish is not fatal: the sweep re-publishes documents that stop moving.
    await publishPhase(services, { pipeline_id: state.pipeline_id, document_id: state.id, phase_index: next, generation: message.generation }, state.organization_id)
      .catch((error) => services.logger.warn("publish failed; the sweep will recover", { document_id: state.id, error: String(error) }));
  }
  return { effect: "advanced", document_id: state.id, phase_index: message.phase_index, outcome, pipeline_finished: done.finished };
}

/** Runs the phase and commits its result with the document's next phase. */
async function commitResult(
  services: Services,
  { state, message, pipeline, startedAt, attempt }: { state: DeliveryState; message: PhaseMessage; pipeline: CompiledPipeline; startedAt: Date; attempt: number },
) {
  const phase = pipeline.phases[message.phase_index];
  const base = { documentId: state.id, executionId: state.execution_id, phaseIndex: message.phase_index, generation: message.generation, parsed: undefined };
  const result = await runPhase(services, pipeline, message.phase_index, state, attempt);
  checkCellsSize(result.cells);
  // A split document is done at transfer: its parts are the documents that run the later phases.
  const split = result.children?.splitCount != null;
  const next = split ? pipeline.phases.length : message.phase_index + 1;
  const last = next >= pipeline.phases.length;
  const outcome = split ? "complete" : last ? documentOutcome(pipeline, result.cells) : null;
  const children = result.children?.children ?? [];
  // A split parent is no row (its parts are): only documents with a row are announced.
  const event = outcome && !split ? await documentCompleted(services, state, outcome, result.cells) : undefined;
  const done = await commitPhase(services.db, {
    ...base, nextPhaseIndex: next, outcome, cells: result.cells, parsed: result.parsed, pageCount: result.parsed?.pages.length,
    cacheKey: result.cache?.lookupKey, snapshot: true, published: (last ? 0 : 1) + children.length, row: !split, event,
    children: result.children && { documents: children, cells: initialCells(pipeline), splitCount: result.children.splitCount },
    step: {
      phaseType: phase.type, attempt, status: "completed", startedAt, finishedAt: services.clock.now(),
      lookupKey: result.cache?.lookupKey, cacheHit: result.cache?.cacheHit ?? result.llm?.cache_hit, notes: result.notes, llm: result.llm,
    },
  });
  return { done, outcome, last, next, event };
}
