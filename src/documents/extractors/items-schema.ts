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
export const TableChoice = v.pipe(
  v.union([
    Index,
    v.strictObject({
      header_contains: v.pipe(
        v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))), v.minLength(1), v.maxLength(20),
        v.description("the first table whose header row holds every one of these texts"),
      ),
    }),
  ]),
  v.description("which table: its index (0-based), or the first whose header holds every text of header_contains"),
);

const Points = v.pipe(v.number(), v.minValue(0), v.maxValue(100_000));

/** A column with its header text or position, or its boundaries in points on PDF pages. */
const PlacedColumn = v.pipe(
  v.strictObject({
    name: v.pipe(ColumnName, v.description("the table field's column it fills")),
    header: v.optional(v.pipe(HeaderRef, v.description("its header text, or its position from 0"))),
    x0: v.optional(v.pipe(Points, v.description("PDF pages: its left edge in points from the page's left"))),
    x1: v.optional(v.pipe(Points, v.description("PDF pages: its right edge in points from the page's left"))),
  }),
  v.check((c) => c.x0 === undefined || c.x1 === undefined || c.x0 < c.x1, "x0 must lie left of x1"),
);

/** Line items' columns: `{ <column>: <header or index> }`, or `[{ name, header?, x0?, x1? }]`. */
export const ItemColumns = v.pipe(
  v.union([
    v.pipe(v.record(ColumnName, HeaderRef), v.check((c) => Object.keys(c).length > 0, "map at least one column")),
    v.pipe(v.array(PlacedColumn), v.minLength(1, "list at least one column"), v.maxLength(MAX_COLUMNS)),
  ]),
  v.description("line items: { <column>: <header text or index> }, or [{ name, header?, x0?, x1? }]"),
);
export type ItemColumnsInput = v.InferOutput<typeof ItemColumns>;

/** The names of the columns an extractor fills. */
export const itemColumnNames = (columns: ItemColumnsInput) => (Array.isArray(columns) ? columns.map((c) => c.name) : Object.keys(columns));

/**
 * What the `table` extractor takes for line items: columns, rows to skip, and for tables read from
 * page positions (PDF, OCR) where the table sits and how its cells read (see README, Line items).
 */
export const ItemTableOptions = {
  columns: v.optional(ItemColumns),
  skip: v.optional(v.pipe(ItemPattern, v.description("rows whose text matches this pattern are skipped (subtotals…)"))),
  header_lines: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3), v.description("PDF pages: how many lines the header spans"))),
  end: v.optional(v.pipe(ItemPattern, v.description("the table ends at the first line this pattern matches"))),
  continuation: v.optional(v.pipe(
    v.boolean(),
    v.description("PDF pages: true joins lines with text only in non-number columns to the row above, false never; default by spacing"),
  )),
  fill_down: v.optional(v.pipe(
    v.array(ColumnName), v.minLength(1), v.maxLength(MAX_COLUMNS),
    v.description("columns whose empty cells take the value above (row-spanning cells)"),
  )),
  section: v.optional(v.pipe(ColumnName, v.description("a column that takes the text of the section row (a one-cell line) above each item"))),
  header_row: v.optional(v.pipe(
    v.number(), v.integer(), v.minValue(1), v.maxValue(SHEET_ROWS, `must be a row of a sheet (1 to ${SHEET_ROWS})`),
    v.description("sheets: the header's row number as the sheet shows it (1-based), instead of the detected header row"),
  )),
};

/** `json_pointer` for line items: the pointer names an array of objects; `columns` maps column → key. */
export const JsonColumns = v.optional(v.pipe(
  v.record(ColumnName, v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  v.description("line items: { <column>: <key or pointer inside each item> }"),
));

export type TableChoiceInput = v.InferOutput<typeof TableChoice>;
