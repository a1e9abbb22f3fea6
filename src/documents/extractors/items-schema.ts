import * as v from "valibot";
import { RESERVED_NAMES } from "../field-types";
import { Pattern } from "../pattern";

/**
 * The input shapes the line-item extractors share (a field of `type: "table"`): column names, which
 * table, and patterns checked by the engine that will run them.
 */

export const MAX_COLUMNS = 50;

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
export const Index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000));
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

/** `json_pointer` for line items: the pointer names an array of objects; `columns` maps column → key. */
export const JsonColumns = v.optional(v.record(ColumnName, v.pipe(v.string(), v.minLength(1), v.maxLength(200))));

export type TableChoiceInput = v.InferOutput<typeof TableChoice>;
