import * as v from "valibot";
import { named } from "../named-schema";
import { storeIdempotentResponse } from "../db/queries/idempotency";
import { insertPipeline } from "../db/queries/pipelines";
import type { Config } from "../config";
import { isBase64, sha256Hex } from "../crypto";
import type { NewDocument } from "../db/queries/pipelines";
import { unsupportedReason } from "../documents/detect";
import { urlProblem } from "../documents/fetch";
import { parsePageRange } from "../documents/page-range";
import { CONTENT_FORMATS } from "../documents/render";
import { ApiError, badRequest, type IssueDetail } from "../errors";
import type { Caller, Services } from "../http/env";
import { compileDefinition, definitionProblems, FieldsInput, initialCells, PhasesInput, type CompiledPipeline } from "./definition";
import { OcrInput } from "./definition-schema";
import { requireModel } from "./model-run";
import { publishPhase } from "./messages";
import { inlineBytes, ocrOptions, parseCacheKey, type DocumentSource } from "./phases/transfer";
import { templateDefinition } from "../templates/definition";
import { ContextInput, resolveContext } from "../templates/context-vars";
import { insertRootExecution } from "../db/queries/executions";
import { presentCreatedRun } from "./run-view";

/** Most documents one request may carry (and what `sync` may run inline). */
export const MAX_DOCUMENTS = 1000;
export const MAX_SYNC_DOCUMENTS = 10;
export const DEFAULT_PREVIEW_SAMPLE = 5;

export const DocumentInput = named("Document", v.strictObject({
  id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  text: v.optional(v.string()),
  content_base64: v.optional(v.pipe(v.string(), v.check(isBase64, "must be base64"))),
  file_url: v.optional(v.pipe(v.string(), v.maxLength(2048), v.url("must be a URL"))),
  filename: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  mime_type: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  /** Expected values by field name: what an evaluation compares the run's released values with. */
  expected: v.optional(v.record(v.string(), v.unknown())),
  /** A stacked file's expected values per part, named by the part's index (0-based) or its identifier. */
  expected_parts: v.optional(v.pipe(
    v.array(v.strictObject({
      index: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      identifier: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
      expected: v.record(v.string(), v.unknown()),
    })),
    v.maxLength(1000),
  )),
}));

/** Expected values as stored: a stacked file's per-part values ride along under `$parts` (no field name starts with `$`). */
const storedExpected = (d: v.InferOutput<typeof DocumentInput>) =>
  d.expected_parts ? { ...d.expected, $parts: d.expected_parts } : d.expected ?? null;

export const CreatePipelineBody = v.strictObject({
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
  template_id: v.optional(v.pipe(v.string(), v.uuid("must be a UUID"))),
  version: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  fields: v.optional(FieldsInput),
  phases: v.optional(PhasesInput),
  documents: v.pipe(v.array(DocumentInput), v.minLength(1)),
  preview: v.optional(v.union([v.boolean(), v.strictObject({ sample: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)) })])),
  page_range: v.optional(v.pipe(
    v.string(),
    v.maxLength(200),
    v.check((r) => typeof parsePageRange(r) !== "string", 'must look like "0,2-4" (zero-based pages and ranges)'),
  )),
  skip_cache: v.optional(v.boolean()),
  /** How scanned pages are read; over the template's or definition's transfer phase `ocr`. */
  ocr: v.optional(OcrInput),
  /** Most this run may spend on model calls (in the currency of LLM_PRICE_*); fields not reached end `budget_exceeded`. */
  max_cost: v.optional(v.pipe(v.number(), v.minValue(0))),
  /** The format the transfer steps' `result_url` names (GET …/documents/{id}/content). */
  output_format: v.optional(v.picklist(CONTENT_FORMATS)),
  webhook_url: v.optional(v.pipe(v.string(), v.maxLength(2048), v.url("must be a URL"))),
  /** Caller JSON kept on the execution; expressions read it as `$context.<name>`. */
  context: v.optional(ContextInput),
  /** Evaluate the run against its documents' `expected` values when it finishes. */
  run_evals: v.optional(v.boolean()),
});

export type CreatePipelineInput = v.InferOutput<typeof CreatePipelineBody>;

/**
 * Checks each document's source (exactly one of text, content_base64, file_url), refuses content
 * that can never be parsed with a 415 up front, and keys inline content for the parse cache.
 */
async function documentsOf(input: CreatePipelineInput, config: Config, pipeline: CompiledPipeline) {
  const ocr = ocrOptions(pipeline, input.ocr);
  if (input.documents.length > MAX_DOCUMENTS) {
    throw new ApiError("payload_too_large", `a run takes at most ${MAX_DOCUMENTS} documents; got ${input.documents.length}`, [
      { path: "documents", message: `at most ${MAX_DOCUMENTS} items` },
    ]);
  }
  const problems = documentProblems(input.documents, config);
  if (problems.length > 0) throw badRequest("invalid documents", problems);
  const documents: NewDocument[] = [];
  for (const [i, d] of input.documents.entries()) {
    const source: DocumentSource = d.text !== undefined
      ? { kind: "text", text: d.text }
      : d.file_url !== undefined
        ? { kind: "url", url: d.file_url }
        : { kind: "base64", data: d.content_base64 ?? "" };
    const bytes = inlineBytes(source);
    if (bytes && bytes.length > config.documents.maxFileBytes) {
      throw new ApiError("payload_too_large", `documents.${i} is ${bytes.length} bytes; the limit is ${config.documents.maxFileBytes} (MAX_FILE_BYTES)`);
    }
    const unsupported = bytes && unsupportedReason(bytes);
    if (unsupported) throw new ApiError("unsupported_media_type", `documents.${i}: ${unsupported}`, [{ path: `documents.${i}`, message: unsupported }]);
    const hints = { filename: d.filename ?? null, mimeType: d.mime_type ?? null };
    const cacheKey = bytes ? parseCacheKey(await sha256Hex(bytes), hints, input.page_range ?? null, ocr) : null;
    documents.push({ externalId: d.id ?? null, ...hints, source, cacheKey, expected: storedExpected(d) });
  }
  return documents;
}

/**
 * What is wrong with the documents of a run without reading their content: duplicate ids, not
 * exactly one source, a `file_url` that may not be fetched. Also run on a body the schema refused.
 */
export function documentProblems(documents: CreatePipelineInput["documents"], config: Config): IssueDetail[] {
  const problems: IssueDetail[] = [];
  const callerIds = new Map<string, number>();
  for (const [i, d] of documents.entries()) {
    // Records are keyed by the caller's id, so it names one document of the run.
    const earlier = d.id === undefined ? undefined : callerIds.get(d.id);
    if (earlier !== undefined) problems.push({ path: `documents.${i}.id`, message: `duplicates documents.${earlier}.id` });
    else if (d.id !== undefined) callerIds.set(d.id, i);
    const given = [d.text, d.content_base64, d.file_url].filter((x) => x !== undefined).length;
    if (given !== 1) problems.push({ path: `documents.${i}`, message: "give exactly one of text, content_base64 or file_url" });
    // Literal private addresses are refused here; host names are resolved and checked when fetched.
    const urlRefusal = typeof d.file_url === "string" && urlProblem(d.file_url, config.documents.fetchAllowHosts);
    if (urlRefusal) problems.push({ path: `documents.${i}.file_url`, message: urlRefusal });
  }
  return problems;
}

/** Every problem of a create body the schema refused that the definition and documents checks find too. */
export function createProblems(input: unknown, config: Config): IssueDetail[] {
  const body = input as Partial<CreatePipelineInput>;
  const documents = Array.isArray(body.documents) ? documentProblems(body.documents.filter((d) => d && typeof d === "object"), config) : [];
  if (!Array.isArray(body.fields) || !Array.isArray(body.phases)) return documents;
  return [...definitionProblems({ fields: body.fields, phases: body.phases }), ...documents];
}

function previewSample(preview: CreatePipelineInput["preview"]): number | null {
  if (preview === undefined || preview === false) return null;
  return preview === true ? DEFAULT_PREVIEW_SAMPLE : preview.sample;
}

const uniqueFieldsOf = (pipeline: CompiledPipeline) => [
  ...new Set(pipeline.phases.flatMap((p) => (p.type === "validation"
    ? p.gates.flatMap((g) => g.rules.filter((r) => r.rule === "unique").map((r) => r.field))
    : []))),
];

/** The definition a run follows: given inline, or a template's version (pinned on the run). */
async function definitionOf(services: Services, caller: Caller, input: CreatePipelineInput) {
  if (input.template_id === undefined) {
    const missing = (["fields", "phases"] as const).filter((key) => input[key] === undefined);
    if (input.version !== undefined) throw badRequest("version needs template_id", [{ path: "version", message: "allowed only with template_id" }]);
    if (missing.length > 0) {
      throw badRequest(
        "give fields and phases, or a template_id",
        missing.map((path) => ({ path, message: "required without template_id" })),
      );
    }
    const context = input.context ?? null;
    return { definition: { fields: input.fields!, phases: input.phases! }, compiled: undefined, templateId: null, templateVersion: null, context };
  }
  const extra = (["fields", "phases"] as const).filter((key) => input[key] !== undefined);
  if (extra.length > 0) {
    throw badRequest(
      "give a template_id or a definition, not both",
      extra.map((path) => ({ path, message: "not allowed with template_id" })),
    );
  }
  const pinned = await templateDefinition(services, caller.organizationId, input.template_id, input.version);
  const context = resolveContext(pinned.definition.context_vars ?? [], input.context);
  return { definition: pinned.definition, compiled: pinned.compiled, templateId: pinned.templateId, templateVersion: pinned.version, context };
}

function webhookUrlOf(input: CreatePipelineInput, config: Config): string | null {
  if (input.webhook_url === undefined) return null;
  const problem = urlProblem(input.webhook_url, config.documents.fetchAllowHosts);
  if (problem) throw badRequest("invalid webhook_url", [{ path: "webhook_url", message: problem }]);
  return input.webhook_url;
}

/** The options the request gave, as the run's seed-004 `input_config` (documents and definition aside). */
function inputConfigOf(input: CreatePipelineInput): Record<string, unknown> {
  const { documents: _documents, fields: _fields, phases: _phases, context: _context, ...options } = input;
  return options;
}

/**
 * Validates and compiles the definition, stores the run with its documents (and the idempotent
 * response) in one transaction, then publishes the first message of every document.
 */
export async function createPipeline(services: Services, caller: Caller, input: CreatePipelineInput, idempotencyKey?: string) {
  const { definition, compiled, templateId, templateVersion, context } = await definitionOf(services, caller, input);
  // The definition's problems and the documents' are answered together.
  const pipeline = compiled ?? compileDefinition(definition, documentProblems(input.documents, services.config));
  requireModel(pipeline, services.config);
  const webhookUrl = webhookUrlOf(input, services.config);
  const sample = previewSample(input.preview);
  const documents = (await documentsOf(input, services.config, pipeline)).slice(0, sample ?? undefined);
  const id = crypto.randomUUID();
  const { response, documentIds } = await services.db.transaction().execute(async (trx) => {
    const { row, documentIds } = await insertPipeline(trx, {
      id, organizationId: caller.organizationId, name: input.name ?? `run ${new Date().toISOString()}`, config: pipeline,
      uniqueFields: uniqueFieldsOf(pipeline), preview: sample !== null, initialCells: initialCells(pipeline), documents,
      templateId, templateVersion, webhookUrl,
      options: {
        ...(sample !== null ? { sample } : {}), ...(input.page_range ? { page_range: input.page_range } : {}),
        ...(input.skip_cache ? { skip_cache: true } : {}), ...(input.ocr ? { ocr: input.ocr } : {}), ...(input.run_evals ? { run_evals: true } : {}),
        ...(input.max_cost !== undefined ? { max_cost: input.max_cost } : {}),
        ...(input.output_format ? { output_format: input.output_format } : {}),
        ...(context && Object.keys(context).length > 0 ? { context } : {}),
      },
    });
    const execution = await insertRootExecution(trx, {
      id: crypto.randomUUID(), organizationId: caller.organizationId, pipelineId: id, generation: 1,
      triggeredBy: templateId ? "template" : "api", triggerRef: templateId ? `${templateId}@${templateVersion}` : null,
      context: context ?? undefined, inputConfig: inputConfigOf(input),
    });
    const response = presentCreatedRun({ ...row, execution_id: execution.id }, execution);
    if (idempotencyKey) await storeIdempotentResponse(trx, caller.organizationId, idempotencyKey, 202, response);
    return { response, documentIds };
  });
  await publishFirstPhase(services, caller.organizationId, id, documentIds);
  return response;
}

const PUBLISH_CONCURRENCY = 8;

async function publishFirstPhase(services: Services, organizationId: string, pipelineId: string, documentIds: string[]) {
  let next = 0;
  const worker = async () => {
    while (next < documentIds.length) {
      const documentId = documentIds[next++];
      await publishPhase(services, { pipeline_id: pipelineId, document_id: documentId, phase_index: 0, generation: 1 }, organizationId)
        .catch((error) => services.logger.warn("publish failed; the sweep will recover", { document_id: documentId, error: String(error) }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUBLISH_CONCURRENCY, documentIds.length) }, worker));
}
