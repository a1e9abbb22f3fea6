import { normalizeValue } from "../documents/normalize";
import type { Normalized } from "../documents/normalize/result";
import type { CompiledField } from "./definition";
import type { FieldType } from "./types";

/**
 * A reviewer's override must be a value of the field's type; it is normalised like an extracted
 * one ("1.234,50" for a number becomes 1234.5) so consumers always read one shape per field.
 */
export function checkValueForField(field: CompiledField, value: unknown): Normalized<unknown> {
  if (value === null) return { ok: false, message: "must not be null; reject the cell instead" };
  return normalizeValue(field.type as FieldType, value, field.resolve);
}
