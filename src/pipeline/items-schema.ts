import * as v from "valibot";
import { Pattern } from "../documents/pattern";
import { FIELD_TYPES, RESERVED_NAMES } from "./types";

/**
 * The input shapes of line items (a field of `type: "table"`): its columns and the extractors that
 * yield many items per document. Kept apart from definition-schema.ts, which only wires them in.
 */

export const MAX_COLUMNS = 50;
export const MAX_LINE_PATTERNS = 10;

/** A user pattern, checked by the engine that will run it (RE2, linear time). */
export const ItemPattern = v.pipe(
  v.string(),
  v.minLength(1),
  v.check((source) => Pattern.check(source) === undefined, (issue) => Pattern.check(String(issue.input)) ?? "is not a valid pattern"),
);

export const ColumnName = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must start with a letter or _ and hold only letters, digits and _ (at most 64)"),
  v.check((name) => !RESERVED_NAMES.has(name), "is a reserved name (__proto__, constructor and prototype are)"),
);
const Index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000));
const HeaderRef = v.union([v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)), Index]);

/** Which table of the document: an index, or the first whose header row holds every text. */
export const TableChoice = v.union([
  Index,
  v.strictObject({
    header_contains: v.pipe(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))), v.minLength(1), v.maxLength(20)),
  }),
]);

/** What the `table` extractor takes for line items: each column from a header text or index, rows to skip. */
export const ItemTableOptions = {
  columns: v.optional(v.pipe(v.record(ColumnName, HeaderRef), v.check((c) => Object.keys(c).length > 0, "map at least one column"))),
  skip: v.optional(ItemPattern),
};

export const RowsExtractorInput = v.strictObject({
  type: v.literal("rows"),
  start: v.optional(ItemPattern),
  end: v.optional(ItemPattern),
  line: v.union([ItemPattern, v.pipe(v.array(ItemPattern), v.minLength(1), v.maxLength(MAX_LINE_PATTERNS))]),
  continuation: v.optional(ItemPattern),
});

/** `json_pointer` for line items: the pointer names an array of objects; `columns` maps column → key. */
export const JsonColumns = v.optional(v.record(ColumnName, v.pipe(v.string(), v.minLength(1), v.maxLength(200))));

export const RowCountRule = v.strictObject({
  rule: v.literal("row_count"),
  field: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  min: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  max: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

export type RowsExtractor = v.InferOutput<typeof RowsExtractorInput>;
export type TableChoiceInput = v.InferOutput<typeof TableChoice>;
