import * as v from "valibot";
import { ColumnName, MAX_COLUMNS } from "../documents/extractors/items-schema";
import { fieldExtractionOptions, Flags, MAX_EXTRACTORS, UserPattern as Pattern } from "../documents/extractors/options";
import { ExtractorInput, type Extractor } from "../documents/extractors/schema";
import { FIELD_TYPES, RESERVED_NAMES, TABLE_TYPE } from "../documents/field-types";
import { CURRENCY_CODES } from "../documents/normalize/currency-codes";
import { checkDateFormat } from "../documents/normalize/dates";
import { DATE_LANGUAGES } from "../documents/normalize/months";
import { SplitInput } from "../documents/split";
import { OCR_LANGUAGES } from "../adapters/ocr/interface";
import { OCR_DPI } from "../documents/parse/ocr";
import { named } from "../named-schema";

export { ExtractorInput, type Extractor };

/** Limits of one definition (documented in the README). */
export const MAX_FIELDS = 100;
export const MAX_PHASES = 20;
export const MAX_GATES = 50;
export const MAX_RULES = 100;
export const MAX_LOOKUP_ENTRIES = 10_000;

const IsoDate = v.pipe(v.string(), v.isoDate("must be a date as YYYY-MM-DD"));
const FieldRef = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const Expression = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000));

export const ResolveInput = named("ResolveOptions", v.strictObject({
  policy: v.optional(v.picklist(["first", "highest_confidence", "agree"])),
  day_first: v.optional(v.boolean()),
  keep_spacing: v.optional(v.boolean()),
  formats: v.optional(v.pipe(
    v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(50), v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed ? checkDateFormat(dataset.value) : undefined;
      if (problem) addIssue({ message: problem });
    }))),
    v.minLength(1), v.maxLength(20),
  )),
  languages: v.optional(v.pipe(v.array(v.picklist(DATE_LANGUAGES)), v.minLength(1))),
  decimal: v.optional(v.picklist(["auto", ".", ","])),
  currency: v.optional(v.picklist(CURRENCY_CODES, "must be an ISO 4217 currency code")),
  values: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(200))), v.minLength(1), v.maxLength(500))),
  synonyms: v.optional(v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(200)), v.pipe(v.string(), v.maxLength(200)))),
  true_values: v.optional(v.pipe(v.array(v.string()), v.maxLength(50))),
  false_values: v.optional(v.pipe(v.array(v.string()), v.maxLength(50))),
  lookup: v.optional(v.strictObject({
    table: v.pipe(
      v.record(v.pipe(v.string(), v.maxLength(200)), v.unknown()),
      v.check((table) => Object.keys(table).length <= MAX_LOOKUP_ENTRIES, `at most ${MAX_LOOKUP_ENTRIES} entries`),
    ),
    strict: v.optional(v.boolean()),
  })),
}));

/** One column of a line-item (`table`) field: a scalar type, resolved like a field of that type. */
/** What people read as a column heading (share page); defaults to the name humanised. */
const Label = v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(120, "at most 120 characters"));

export const ColumnInput = named("Column", v.strictObject({
  name: ColumnName, label: v.optional(Label), type: v.picklist(FIELD_TYPES), required: v.optional(v.boolean()), resolve: v.optional(ResolveInput),
}));

export const FieldInput = named("Field", v.strictObject({
  name: v.pipe(
    v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must start with a letter or _ and hold only letters, digits and _ (at most 64)"),
    v.check((name) => !RESERVED_NAMES.has(name), "is a reserved name (__proto__, constructor and prototype are)"),
  ),
  label: v.optional(Label),
  type: v.picklist([...FIELD_TYPES, TABLE_TYPE]),
  required: v.optional(v.boolean()),
  columns: v.optional(v.pipe(v.array(ColumnInput), v.minLength(1), v.maxLength(MAX_COLUMNS))),
  description: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  extract: v.optional(v.pipe(v.array(ExtractorInput), v.minLength(1), v.maxLength(MAX_EXTRACTORS))),
  resolve: v.optional(ResolveInput),
  expression: v.optional(Expression),
  /** Split runs: the part types this field applies to; other parts leave it `no_result` (`not_for_type`). */
  types: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(64))), v.minLength(1), v.maxLength(20))),
  ...fieldExtractionOptions,
}));

const field = { field: FieldRef };

/** How many items a table field holds: `{min?, max?}`. */
const RowCountRule = v.strictObject({
  rule: v.literal("row_count"),
  ...field,
  min: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  max: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
const bound = v.union([v.number(), IsoDate]);

export const RuleInput = v.variant("rule", [
  named("RequiredRule", v.strictObject({ rule: v.literal("required"), ...field }), "required"),
  named("PatternRule", v.strictObject({ rule: v.literal("pattern"), ...field, pattern: Pattern, flags: v.optional(Flags) }), "pattern"),
  named("MinRule", v.strictObject({ rule: v.literal("min"), ...field, value: bound }), "min"),
  named("MaxRule", v.strictObject({ rule: v.literal("max"), ...field, value: bound }), "max"),
  named("EnumRule", v.strictObject({ rule: v.literal("enum"), ...field, values: v.pipe(v.array(v.unknown()), v.minLength(1), v.maxLength(500)) }), "enum"),
  named("DateBetweenRule", v.strictObject({ rule: v.literal("date_between"), ...field, from: v.optional(IsoDate), to: v.optional(IsoDate) }), "date_between"),
  named("ExpressionRule", v.strictObject({ rule: v.literal("expression"), ...field, expression: Expression, message: v.optional(v.pipe(v.string(), v.maxLength(500))) }), "expression"),
  named("UniqueRule", v.strictObject({ rule: v.literal("unique"), ...field }), "unique"),
  named("MinConfidenceRule", v.strictObject({ rule: v.literal("min_confidence"), ...field, value: v.pipe(v.number(), v.minValue(0), v.maxValue(1)) }), "min_confidence"),
  named("RowCountRule", RowCountRule, "row_count"),
]);

export const GateInput = named("Gate", v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, _, . or -")),
  mode: v.optional(v.picklist(["blocking", "warning"]), "blocking"),
  rules: v.pipe(v.array(RuleInput), v.minLength(1), v.maxLength(MAX_RULES)),
}));

/** How scanned pages are read (README §OCR): on the transfer phase of a definition, or on a run (which wins). */
export const OcrInput = named("OcrOptions", v.strictObject({
  mode: v.optional(v.picklist(["auto", "always", "never"])),
  languages: v.optional(v.pipe(v.array(v.picklist(OCR_LANGUAGES)), v.minLength(1), v.maxLength(4),
    v.check((list) => new Set(list).size === list.length, "must not repeat a language"))),
  dpi: v.optional(v.pipe(v.number(), v.integer(), v.minValue(OCR_DPI.min), v.maxValue(OCR_DPI.max))),
}));

export const PhaseInput = v.variant("type", [
  named("TransferPhase", v.strictObject({ type: v.literal("transfer"), split: v.optional(SplitInput), ocr: v.optional(OcrInput) }), "transfer"),
  named("ExtractionPhase", v.strictObject({ type: v.literal("extraction") }), "extraction"),
  named("ResolutionPhase", v.strictObject({ type: v.literal("resolution") }), "resolution"),
  named("ValidationPhase", v.strictObject({ type: v.literal("validation"), gates: v.pipe(v.array(GateInput), v.minLength(1), v.maxLength(MAX_GATES)) }), "validation"),
]);

export const FieldsInput = v.pipe(v.array(FieldInput), v.minLength(1), v.maxLength(MAX_FIELDS));
export const PhasesInput = v.pipe(v.array(PhaseInput), v.minLength(1), v.maxLength(MAX_PHASES));

export type Column = v.InferOutput<typeof ColumnInput>;
export type ResolveOptions = v.InferOutput<typeof ResolveInput>;
export type FieldDefinition = v.InferOutput<typeof FieldInput>;
export type Rule = v.InferOutput<typeof RuleInput>;
export type Gate = v.InferOutput<typeof GateInput>;
export type PhaseDefinition = v.InferOutput<typeof PhaseInput>;
export type OcrSettings = v.InferOutput<typeof OcrInput>;
