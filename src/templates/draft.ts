import * as v from "valibot";
import { sha256Hex } from "../crypto";
import { parseBytes } from "../documents/parse";
import { badRequest } from "../errors";
import type { Caller, Services } from "../http/env";
import { compileDefinition, initialCells, type CompiledPipeline, type FieldDefinition, type PhaseDefinition } from "../pipeline/definition";
import { readWithModel } from "../pipeline/model-pass";
import { modelRun, requireModel } from "../pipeline/model-run";
import { runExtraction } from "../pipeline/phases/extraction";
import { runResolution } from "../pipeline/phases/resolution";
import { decodeBase64 } from "../pipeline/phases/transfer";
import { FIELD_TYPES, type Cells, type ParsedDocument } from "../pipeline/types";

export const DraftBody = v.strictObject({
  documents: v.pipe(v.array(v.strictObject({
    text: v.optional(v.pipe(v.string(), v.maxLength(1_000_000), v.description("the sample as plain text"))),
    content_base64: v.optional(v.pipe(v.string(), v.maxLength(14_000_000), v.description("the sample file's bytes in base64"))),
    filename: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255), v.description("the file's name; a hint to its type"))),
    mime_type: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255), v.description("the file's media type"))),
  })), v.minLength(1), v.maxLength(5), v.description("1 to 5 sample documents, one model call each")),
  fields: v.pipe(v.array(v.strictObject({
    name: v.pipe(
      v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must start with a letter or _ and hold only letters, digits and _"),
      v.description("the field's name in the drafted definition"),
    ),
    type: v.optional(v.pipe(v.picklist(FIELD_TYPES), v.description("what the value is read as")), "string"),
    description: v.optional(v.pipe(v.string(), v.maxLength(1000), v.description("what the model should look for"))),
  })), v.minLength(1), v.maxLength(50), v.description("the fields to draft extractors for")),
});
export type DraftInput = v.InferOutput<typeof DraftBody>;

const PHASES: PhaseDefinition[] = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }];

async function parseSample(d: DraftInput["documents"][number], i: number, services: Services): Promise<ParsedDocument> {
  if ((d.text === undefined) === (d.content_base64 === undefined)) {
    throw badRequest("invalid draft", [{ path: `documents.${i}`, message: "give exactly one of text or content_base64" }]);
  }
  const bytes = d.text !== undefined ? new TextEncoder().encode(d.text) : decodeBase64(d.content_base64!);
  const mimeType = d.mime_type ?? (d.text !== undefined ? "text/plain" : null);
  const parsed = await parseBytes(bytes, { mimeType, filename: d.filename ?? null, pageRange: null, maxPages: services.config.documents.maxPages });
  return { ...parsed, content_hash: await sha256Hex(bytes) };
}

/** The words before a grounded value on its line, as a label: "Amount payable EUR 1,250.00" → "Amount payable". */
function labelBefore(parsed: ParsedDocument, provenance: { page: number; start?: number }, pageIndex: number): string | null {
  if (provenance.start === undefined) return null;
  const text = parsed.pages[pageIndex];
  const lineStart = text.lastIndexOf("\n", provenance.start - 1) + 1;
  const before = text.slice(lineStart, provenance.start).replace(/\b[A-Z]{3}\s*$|[€$£¥]\s*$/u, "").replace(/[\s:=#|.\-–—]+$/u, "").trim();
  const label = before.split(/\s{2,}/).at(-1) ?? "";
  return /\p{L}/u.test(label) && label.length <= 40 ? label : null;
}

/**
 * Drafts a definition from samples: the model reads every field once per sample (grounded, as in a
 * run); where a value sits after words on its line, those words become a `label` extractor, with
 * `llm` kept as the last resort. The draft is then run for real on the samples, without the model,
 * so the values shown are what the rules alone read.
 */
export async function draftDefinition(services: Services, caller: Caller, input: DraftInput) {
  const asked: FieldDefinition[] = input.fields.map((f) => ({ name: f.name, type: f.type, ...(f.description ? { description: f.description } : {}), extract: [{ type: "llm" }] }));
  const modelOnly = compileDefinition({ fields: asked, phases: PHASES });
  requireModel(modelOnly, services.config);
  const samples = await Promise.all(input.documents.map((d, i) => parseSample(d, i, services)));
  const labels = new Map<string, Set<string>>(input.fields.map((f) => [f.name, new Set()]));
  const state = { organization_id: caller.organizationId, options: {}, llm_spent: 0 } as Parameters<typeof modelRun>[1];
  for (const parsed of samples) {
    const cells = noneFound(modelOnly);
    const ctx = { pipeline: modelOnly, phaseIndex: 1, parsed, cells, uniqueness: {}, decisions: [] };
    const read = await readWithModel(ctx, cells, modelRun(services, state, services.config.queueMaxRetries));
    for (const [name, cell] of Object.entries(read.cells)) {
      const candidate = cell.status === "completed" ? cell.meta.candidates?.[0] : undefined;
      const index = candidate ? (parsed.page_numbers?.indexOf(candidate.provenance.page) ?? candidate.provenance.page) : -1;
      const label = candidate ? labelBefore(parsed, candidate.provenance, index < 0 ? candidate.provenance.page : index) : null;
      if (label) labels.get(name)!.add(label);
    }
  }
  const fields: FieldDefinition[] = asked.map((f) => {
    const found = [...labels.get(f.name)!];
    return { ...f, extract: [...(found.length > 0 ? [{ type: "label" as const, labels: found.slice(0, 20) }] : []), { type: "llm" as const }] };
  });
  const rulesOnly = compileDefinition({ fields: fields.map((f) => ({ ...f, extract: f.extract!.filter((e) => e.type !== "llm").length > 0 ? f.extract!.filter((e) => e.type !== "llm") : [{ type: "llm" as const }] })), phases: PHASES });
  const values = await Promise.all(samples.map(async (parsed) => {
    const ctx = { pipeline: rulesOnly, phaseIndex: 1, parsed, cells: initialCells(rulesOnly), uniqueness: {}, decisions: [] };
    const extracted = await runExtraction(ctx);
    const resolved = await runResolution({ ...ctx, phaseIndex: 2, cells: extracted });
    return Object.fromEntries(Object.entries(resolved).map(([name, c]) => [name, { value: c.status === "completed" ? c.value : null, status: c.status, resolved_by: c.resolved_by }]));
  }));
  return { definition: { fields, phases: PHASES }, samples: values };
}

/** Every field as the deterministic extractors leave it when none is given: empty, for the model to read. */
const noneFound = (pipeline: CompiledPipeline): Cells => Object.fromEntries(Object.entries(initialCells(pipeline))
  .map(([k, c]) => [k, { ...c, status: "no_result" as const, reason: { code: "not_found", summary: "", message: "" } }]));
