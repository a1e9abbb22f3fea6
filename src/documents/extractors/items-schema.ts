import * as v from "valibot";
import { RESERVED_NAMES } from "../field-types";
import { Pattern } from "../pattern";

/**
 * The input shapes the line-item extractors share (a field of `type: "table"`): column names, which
 * table, and patterns checked by the engine that will run them.
 */

export const MAX_COLUMNS = 50;
/** The last row a sheet can have (Excel's limit). */
const SHEET_ROWS = 1_048_576;

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

const Points = v.pipe(v.number(), v.minValue(0), v.maxValue(100_000));

/** A column with its header text or position, or its boundaries in points on PDF pages. */
const PlacedColumn = v.pipe(
  v.strictObject({ name: ColumnName, header: v.optional(HeaderRef), x0: v.optional(Points), x1: v.optional(Points) }),
  v.check((c) => c.x0 === undefined || c.x1 === undefined || c.x0 < c.x1, "x0 must lie left of x1"),
);

/** Line items' columns: `{ <column>: <header or index> }`, or `[{ name, header?, x0?, x1? }]`. */
export const ItemColumns = v.union([
  v.pipe(v.record(ColumnName, HeaderRef), v.check((c) => Object.keys(c).length > 0, "map at least one column")),
  v.pipe(v.array(PlacedColumn), v.minLength(1, "list at least one column"), v.maxLength(MAX_COLUMNS)),
]);
export type ItemColumnsInput = v.InferOutput<typeof ItemColumns>;

/** The names of the columns an extractor fills. */
export const itemColumnNames = (columns: ItemColumnsInput) => (Array.isArray(columns) ? columns.map((c) => c.name) : Object.keys(columns));

/**
 * What the `table` extractor takes for line items: columns, rows to skip, and for tables read from
 * page positions (PDF, OCR) where the table sits and how its cells read (see README, Line items).
 */
export const ItemTableOptions = {
  columns: v.optional(ItemColumns),
  skip: v.optional(ItemPattern),
  header_lines: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3))),
  end: v.optional(ItemPattern),
  continuation: v.optional(v.boolean()),
  fill_down: v.optional(v.pipe(v.array(ColumnName), v.minLength(1), v.maxLength(MAX_COLUMNS))),
  section: v.optional(ColumnName),
  /** Sheets: the header's row number as the sheet shows it (1-based), instead of the detected header row. */
  header_row: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(SHEET_ROWS, `must be a row of a sheet (1 to ${SHEET_ROWS})`))),
};

/** `json_pointer` for line items: the pointer names an array of objects; `columns` maps column → key. */
export const JsonColumns = v.optional(v.record(ColumnName, v.pipe(v.string(), v.minLength(1), v.maxLength(200))));

export type TableChoiceInput = v.InferOutput<typeof TableChoice>;
