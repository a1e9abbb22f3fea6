import * as v from "valibot";
import { Pages, WhenInput } from "./options";

/**
 * `{type: "llm"}`: a model reads the field when the extractors before it found nothing. It is not
 * run like the others (one call per document reads every such field, see pipeline/model-pass.ts);
 * its value is released only when grounded in the page text (see ../grounding.ts).
 */
export const LlmExtractorInput = v.strictObject({
  type: v.pipe(v.literal("llm"), v.description("a model reads the value; kept only when its quote is found in the document")),
  instructions: v.optional(v.pipe(
    v.string(), v.trim(), v.minLength(1), v.maxLength(2000),
    v.description("added to the field's description in the request: what to look for, what to skip"),
  )),
  pages: v.optional(v.pipe(Pages, v.description("which pages the model reads for this field, zero-based, as `pages` elsewhere"))),
  model: v.optional(v.pipe(
    v.string(), v.trim(), v.minLength(1), v.maxLength(200),
    v.description("a model name for this field instead of LLM_MODEL (fields naming different models are read in separate calls)"),
  )),
  when: v.optional(WhenInput),
});

export type LlmExtractor = v.InferOutput<typeof LlmExtractorInput>;
