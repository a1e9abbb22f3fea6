/**
 * The vocabulary of fields every extractor and normaliser speaks: the scalar types a value resolves
 * to, and the `table` kind that holds line items. The pipeline's definition schema composes these.
 */

export const FIELD_TYPES = ["string", "number", "integer", "boolean", "date", "currency", "enum", "json"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
/** A field of this type holds line items: many rows per document, each column a cell of a scalar type. */
export const TABLE_TYPE = "table";
export type FieldKind = FieldType | typeof TABLE_TYPE;
/** Field and column names become keys of plain objects (records, items, expression input): these would reach the prototype. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
