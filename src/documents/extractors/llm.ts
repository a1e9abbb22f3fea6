import * as v from "valibot";
import { Pages, WhenInput } from "./options";

/**
 * `{type: "llm"}`: a model reads the field when the extractors before it found nothing. It is not
 * run like the others (one call per document reads every such field, see pipeline/model-pass.ts);
 * its value is released only when grounded in the page text (see ../grounding.ts).
 */
export const LlmExtractorInput = v.strictObject({
  type: v.literal("llm"),
  /** Added to the field's description in the request: what to look for, what to skip. */
  instructions: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000))),
  /** Which pages the model reads for this field (as `pages` of the text extractors). */
  pages: v.optional(Pages),
  /** A model name for this field instead of LLM_MODEL (fields naming different models are read in separate calls). */
  model: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
  when: v.optional(WhenInput),
});

export type LlmExtractor = v.InferOutput<typeof LlmExtractorInput>;
