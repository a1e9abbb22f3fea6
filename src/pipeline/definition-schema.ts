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

export const ResolveInput = named("ResolveOptions", v.pipe(v.strictObject({
  policy: v.optional(v.pipe(
    v.picklist(["first", "highest_confidence", "agree"]),
    v.description("which candidate wins: the first readable (default), the most confident, or `agree`: all must agree or the cell fails"),
  )),
  day_first: v.optional(v.pipe(v.boolean(), v.description("dates: read an ambiguous 03/04/2024 as 3 April (true) or 4 March (false)"))),
  keep_spacing: v.optional(v.pipe(v.boolean(), v.description("strings: keep runs of spaces inside the value instead of collapsing them"))),
  formats: v.optional(v.pipe(
    v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(50), v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed ? checkDateFormat(dataset.value) : undefined;
      if (problem) addIssue({ message: problem });
    }))),
    v.minLength(1), v.maxLength(20),
    v.description("dates: formats tried in order before the general reader, tokens D DD M MM MMM MMMM YY YYYY, e.g. DD.MM.YYYY"),
  )),
  languages: v.optional(v.pipe(
    v.array(v.picklist(DATE_LANGUAGES)), v.minLength(1),
    v.description("dates: the languages whose month names are read; default all"),
  )),
  decimal: v.optional(v.pipe(v.picklist(["auto", ".", ","]), v.description("numbers: the decimal separator; auto decides per value"))),
  currency: v.optional(v.pipe(
    v.picklist(CURRENCY_CODES, "must be an ISO 4217 currency code"),
    v.description("currency fields: the ISO 4217 code used when the text names none"),
  )),
  values: v.optional(v.pipe(
    v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(200))), v.minLength(1), v.maxLength(500),
    v.description("enum fields: the allowed values"),
  )),
  synonyms: v.optional(v.pipe(
    v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(200)), v.pipe(v.string(), v.maxLength(200))),
    v.description("enum fields: text found → one of `values`"),
  )),
  true_values: v.optional(v.pipe(v.array(v.string()), v.maxLength(50), v.description("boolean fields: texts read as true"))),
  false_values: v.optional(v.pipe(v.array(v.string()), v.maxLength(50), v.description("boolean fields: texts read as false"))),
  lookup: v.optional(v.pipe(
    v.strictObject({
      table: v.pipe(
        v.record(v.pipe(v.string(), v.maxLength(200)), v.unknown()),
        v.check((table) => Object.keys(table).length <= MAX_LOOKUP_ENTRIES, `at most ${MAX_LOOKUP_ENTRIES} entries`),
        v.description("raw text (case-insensitive) → value"),
      ),
      strict: v.optional(v.pipe(v.boolean(), v.description("refuse texts that are not in the table"))),
    }),
    v.description("maps the text found to a value"),
  )),
}), v.description("how the text found becomes a typed value; options that do not apply to the field's type are a 400")));

/** One column of a line-item (`table`) field: a scalar type, resolved like a field of that type. */
/** What people read as a column heading (share page); defaults to the name humanised. */
const Label = v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(120, "at most 120 characters"));

export const ColumnInput = named("Column", v.strictObject({
  name: v.pipe(ColumnName, v.description("letters, digits and _; what extractors and rules (`lines.amount`) call the column")),
  label: v.optional(v.pipe(Label, v.description("the heading people read (share page); default: the name humanised"))),
  type: v.pipe(v.picklist(FIELD_TYPES), v.description("the column's scalar type; its cells resolve like a field of that type")),
  required: v.optional(v.pipe(v.boolean(), v.description("an item without this column's value fails the cell"))),
  resolve: v.optional(ResolveInput),
}));

export const FieldInput = named("Field", v.strictObject({
  name: v.pipe(
    v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must start with a letter or _ and hold only letters, digits and _ (at most 64)"),
    v.check((name) => !RESERVED_NAMES.has(name), "is a reserved name (__proto__, constructor and prototype are)"),
    v.description("the key of the field's cell in every record, row and CSV header"),
  ),
  label: v.optional(v.pipe(Label, v.description("the heading people read (share page); default: the name humanised"))),
  type: v.pipe(
    v.picklist([...FIELD_TYPES, TABLE_TYPE]),
    v.description("what the value is read as; `table` holds line items with `columns`"),
  ),
  required: v.optional(v.pipe(v.boolean(), v.description("a document without a value for it is `partial`"))),
  columns: v.optional(v.pipe(
    v.array(ColumnInput), v.minLength(1), v.maxLength(MAX_COLUMNS),
    v.description("table fields: the columns of each item"),
  )),
  description: v.optional(v.pipe(v.string(), v.maxLength(1000), v.description("for people, and for a model reading the field (`llm`)"))),
  extract: v.optional(v.pipe(
    v.array(ExtractorInput), v.minLength(1), v.maxLength(MAX_EXTRACTORS),
    v.description("extractors tried in order until one yields a value (a waterfall)"),
  )),
  resolve: v.optional(ResolveInput),
  expression: v.optional(v.pipe(
    Expression,
    v.description("a derived field: a JSONata expression over fields defined before it, e.g. total.amount * 1.19"),
  )),
  types: v.optional(v.pipe(
    v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(64))), v.minLength(1), v.maxLength(20),
    v.description("split runs: the part types this field applies to; other parts leave it no_result (not_for_type)"),
  )),
  ...fieldExtractionOptions,
}));

const field = { field: v.pipe(FieldRef, v.description("the field it checks; `lines.amount` checks a column of every item")) };

/** How many items a table field holds: `{min?, max?}`. */
const RowCountRule = v.strictObject({
  rule: v.pipe(v.literal("row_count"), v.description("a table field's number of items")),
  ...field,
  min: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.description("fewest items allowed"))),
  max: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.description("most items allowed"))),
});
const bound = v.pipe(v.union([v.number(), IsoDate]), v.description("a number (currency: the amount), or a YYYY-MM-DD date for date fields"));
const tag = <const TRule extends string>(rule: TRule, description: string) => v.pipe(v.literal(rule), v.description(description));

export const RuleInput = v.variant("rule", [
  named("RequiredRule", v.strictObject({ rule: tag("required", "the value must be there"), ...field }), "required"),
  named("PatternRule", v.strictObject({
    rule: tag("pattern", "the value's text must match"), ...field,
    pattern: v.pipe(Pattern, v.description("an RE2 pattern")), flags: v.optional(v.pipe(Flags, v.description("any of i, m, s and u"))),
  }), "pattern"),
  named("MinRule", v.strictObject({ rule: tag("min", "the value must be at least `value`"), ...field, value: bound }), "min"),
  named("MaxRule", v.strictObject({ rule: tag("max", "the value must be at most `value`"), ...field, value: bound }), "max"),
  named("EnumRule", v.strictObject({
    rule: tag("enum", "the value must be one of `values`"), ...field,
    values: v.pipe(v.array(v.unknown()), v.minLength(1), v.maxLength(500), v.description("the allowed values")),
  }), "enum"),
  named("DateBetweenRule", v.strictObject({
    rule: tag("date_between", "the date must lie between `from` and `to`"), ...field,
    from: v.optional(v.pipe(IsoDate, v.description("earliest date allowed, YYYY-MM-DD"))),
    to: v.optional(v.pipe(IsoDate, v.description("latest date allowed, YYYY-MM-DD"))),
  }), "date_between"),
  named("ExpressionRule", v.strictObject({
    rule: tag("expression", "a JSONata expression must be true"), ...field,
    expression: v.pipe(Expression, v.description("sees every stored value plus $value (the checked field's); passes only on true")),
    message: v.optional(v.pipe(v.string(), v.maxLength(500), v.description("what the verdict says when it fails"))),
  }), "expression"),
  named("UniqueRule", v.strictObject({ rule: tag("unique", "no other document of the run may hold the same value"), ...field }), "unique"),
  named("MinConfidenceRule", v.strictObject({
    rule: tag("min_confidence", "the value's confidence must be at least `value`"), ...field,
    value: v.pipe(v.number(), v.minValue(0), v.maxValue(1), v.description("from 0 to 1")),
  }), "min_confidence"),
  named("RowCountRule", RowCountRule, "row_count"),
]);

export const GateInput = named("Gate", v.strictObject({
  id: v.pipe(
    v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, _, . or -"),
    v.description("unique in the run; review items and verdicts name it"),
  ),
  mode: v.optional(v.pipe(
    v.picklist(["blocking", "warning"]),
    v.description("blocking: a failing cell is held for review, its value withheld; warning: the verdict is only recorded"),
  ), "blocking"),
  rules: v.pipe(v.array(RuleInput), v.minLength(1), v.maxLength(MAX_RULES), v.description("the checks; apart from required, a rule judges only a value that is there")),
}));

/** How scanned pages are read (README §OCR): on the transfer phase of a definition, or on a run (which wins). */
export const OcrInput = named("OcrOptions", v.pipe(v.strictObject({
  mode: v.optional(v.pipe(
    v.picklist(["auto", "always", "never"]),
    v.description("auto: read pages without a text layer; always: every page; never: no OCR"),
  )),
  languages: v.optional(v.pipe(v.array(v.picklist(OCR_LANGUAGES)), v.minLength(1), v.maxLength(4),
    v.check((list) => new Set(list).size === list.length, "must not repeat a language"),
    v.description("the languages of the text, up to 4"))),
  dpi: v.optional(v.pipe(v.number(), v.integer(), v.minValue(OCR_DPI.min), v.maxValue(OCR_DPI.max), v.description("the resolution PDF pages are drawn at for OCR"))),
}), v.description("how scanned pages and images are read")));

export const PhaseInput = v.variant("type", [
  named("TransferPhase", v.strictObject({
    type: v.pipe(v.literal("transfer"), v.description("reads each document into text, pages and tables; first and once")),
    split: v.optional(SplitInput),
    ocr: v.optional(OcrInput),
  }), "transfer"),
  named("ExtractionPhase", v.strictObject({
    type: v.pipe(v.literal("extraction"), v.description("runs every field's extractors, collecting candidates")),
  }), "extraction"),
  named("ResolutionPhase", v.strictObject({
    type: v.pipe(v.literal("resolution"), v.description("turns candidates into typed values; needs an extraction before it")),
  }), "resolution"),
  named("ValidationPhase", v.strictObject({
    type: v.pipe(v.literal("validation"), v.description("checks values with gates; a blocking gate holds a failing cell for review")),
    gates: v.pipe(v.array(GateInput), v.minLength(1), v.maxLength(MAX_GATES), v.description("the gates, each a list of rules")),
  }), "validation"),
]);

export const FieldsInput = v.pipe(
  v.array(FieldInput), v.minLength(1), v.maxLength(MAX_FIELDS),
  v.description("what to read from each document: one cell per field in every record"),
);
export const PhasesInput = v.pipe(
  v.array(PhaseInput), v.minLength(1), v.maxLength(MAX_PHASES),
  v.description("the steps every document goes through, in order: transfer first, then extraction, resolution, validation"),
);

export type Column = v.InferOutput<typeof ColumnInput>;
export type ResolveOptions = v.InferOutput<typeof ResolveInput>;
export type FieldDefinition = v.InferOutput<typeof FieldInput>;
export type Rule = v.InferOutput<typeof RuleInput>;
export type Gate = v.InferOutput<typeof GateInput>;
export type PhaseDefinition = v.InferOutput<typeof PhaseInput>;
export type OcrSettings = v.InferOutput<typeof OcrInput>;
