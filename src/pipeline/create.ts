import * as v from "valibot";
import { storeIdempotentResponse } from "../db/queries/idempotency";
import { insertPipeline } from "../db/queries/pipelines";
import { badRequest, type IssueDetail } from "../errors";
import type { Caller, Services } from "../http/env";
import { compileDefinition, FieldsInput, initialCells, PhasesInput, type CompiledPipeline } from "./definition";
import { publishPhase } from "./messages";
import { presentPipeline } from "./present";

/** Most documents one request may carry (and what `sync` may run inline). */
export const MAX_DOCUMENTS = 1000;
export const MAX_SYNC_DOCUMENTS = 10;
export const DEFAULT_PREVIEW_SAMPLE = 5;

export const DocumentInput = v.strictObject({
  id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  text: v.optional(v.string()),
  content_base64: v.optional(v.pipe(v.string(), v.base64("must be base64"))),
  filename: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  mime_type: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
});

export const CreatePipelineBody = v.strictObject({
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
  fields: FieldsInput,
  phases: PhasesInput,
  documents: v.pipe(v.array(DocumentInput), v.minLength(1), v.maxLength(MAX_DOCUMENTS)),
  preview: v.optional(v.union([v.boolean(), v.strictObject({ sample: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)) })])),
});

export type CreatePipelineInput = v.InferOutput<typeof CreatePipelineBody>;

function documentsOf(input: CreatePipelineInput) {
  const problems: IssueDetail[] = [];
  const documents = input.documents.map((d, i) => {
    const given = [d.text !== undefined, d.content_base64 !== undefined].filter(Boolean).length;
    if (given !== 1) problems.push({ path: `documents.${i}`, message: "give exactly one of text or content_base64" });
    const source = d.text !== undefined ? { kind: "text", text: d.text } : { kind: "base64", data: d.content_base64 };
    return { externalId: d.id ?? null, filename: d.filename ?? null, mimeType: d.mime_type ?? null, source };
  });
  if (problems.length > 0) throw badRequest("invalid documents", problems);
  return documents;
}

function previewSample(preview: CreatePipelineInput["preview"]): number | null {
  if (preview === undefined || preview === false) return null;
  return preview === true ? DEFAULT_PREVIEW_SAMPLE : preview.sample;
}

const uniqueFieldsOf = (pipeline: CompiledPipeline) => [
  ...new Set(pipeline.phases.flatMap((p) => (p.type === "validation" ? p.gates.flatMap((g) => g.rules.filter((r) => r.rule === "unique").map((r) => r.field)) : []))),
];

/**
 * Validates and compiles the definition, stores the run with its documents (and the idempotent
 * response) in one transaction, then publishes the first message of every document.
 */
export async function createPipeline(services: Services, caller: Caller, input: CreatePipelineInput, idempotencyKey?: string) {
  const pipeline = compileDefinition({ fields: input.fields, phases: input.phases });
  const sample = previewSample(input.preview);
  const documents = documentsOf(input).slice(0, sample ?? undefined);
  const id = crypto.randomUUID();
  const { response, documentIds } = await services.db.transaction().execute(async (trx) => {
    const { row, documentIds } = await insertPipeline(trx, {
      id, organizationId: caller.organizationId, name: input.name ?? `run ${new Date().toISOString()}`, config: pipeline,
      uniqueFields: uniqueFieldsOf(pipeline), preview: sample !== null, initialCells: initialCells(pipeline), documents,
      options: sample !== null ? { sample } : {},
    });
    const response = presentPipeline(row);
    if (idempotencyKey) await storeIdempotentResponse(trx, caller.organizationId, idempotencyKey, 202, response);
    return { response, documentIds };
  });
  await publishFirstPhase(services, id, documentIds);
  return response;
}

const PUBLISH_CONCURRENCY = 8;

async function publishFirstPhase(services: Services, pipelineId: string, documentIds: string[]) {
  let next = 0;
  const worker = async () => {
    while (next < documentIds.length) {
      const documentId = documentIds[next++];
      await publishPhase(services, { pipeline_id: pipelineId, document_id: documentId, phase_index: 0, generation: 1 })
        .catch((error) => services.logger.warn("publish failed; the sweep will recover", { document_id: documentId, error: String(error) }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUBLISH_CONCURRENCY, documentIds.length) }, worker));
}
