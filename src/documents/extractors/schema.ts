import * as v from "valibot";
import { named } from "../../named-schema";
import { JsonPointerExtractorInput } from "./json-pointer";
import { LabelExtractorInput } from "./label";
import { LlmExtractorInput } from "./llm";
import { MetadataExtractorInput } from "./metadata";
import { WhenInput } from "./options";
import { RegexExtractorInput } from "./regex";
import { RowsExtractorInput } from "./rows";
import { TableExtractorInput } from "./table";

/** A fixed value, typically behind `when` (one definition, many issuers). */
export const ConstantExtractorInput = v.strictObject({
  type: v.pipe(v.literal("constant"), v.description("a fixed value")),
  value: v.pipe(
    v.unknown(), v.check((value) => value !== undefined && value !== null, "give the value to yield"),
    v.description("the value to yield, read as the field's type"),
  ),
  when: v.optional(WhenInput),
});

/** Every extractor a field's waterfall may hold; each one's schema lives beside its code. */
export const ExtractorInput = v.variant("type", [
  named("LabelExtractor", LabelExtractorInput, "label"),
  named("RegexExtractor", RegexExtractorInput, "regex"),
  named("TableExtractor", TableExtractorInput, "table"),
  named("RowsExtractor", RowsExtractorInput, "rows"),
  named("JsonPointerExtractor", JsonPointerExtractorInput, "json_pointer"),
  named("MetadataExtractor", MetadataExtractorInput, "metadata"),
  named("ConstantExtractor", ConstantExtractorInput, "constant"),
  named("LlmExtractor", LlmExtractorInput, "llm"),
]);

export type Extractor = v.InferOutput<typeof ExtractorInput>;
