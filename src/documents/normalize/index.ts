import type { FieldType } from "../field-types";
import { parseBoolean, type BooleanOptions } from "./booleans";
import { parseCurrency, type CurrencyOptions } from "./currency";
import { parseDate, type DateOptions } from "./dates";
import { canonicalValue, type EnumOptions } from "./enums";
import { parseInteger, parseNumber, type DecimalMode } from "./numbers";
import { accept, reject, shown, type Normalized } from "./result";

export type NormalizeOptions = BooleanOptions & DateOptions & EnumOptions & Omit<CurrencyOptions, "decimal">
  & { decimal?: DecimalMode; keep_spacing?: boolean };

/** Text as read: a run of spaces inside it (layout padding, a column gap inside a value) is one space unless `keep_spacing`. */
function parseString(raw: unknown, keepSpacing = false): Normalized<string> {
  if (typeof raw === "string") return accept(keepSpacing ? raw.trim() : raw.trim().replace(/[ \t\u00a0]{2,}/g, " "));
  if (typeof raw === "number" || typeof raw === "boolean") return accept(String(raw));
  return reject(`${shown(raw)} is not text`);
}

/** JSON fields keep structure; a string that holds JSON is parsed, any other string stays a string. */
function parseJson(raw: unknown): Normalized<unknown> {
  if (typeof raw !== "string") return accept(raw);
  try {
    return accept(JSON.parse(raw));
  } catch {
    return accept(raw);
  }
}

function parseEnum(raw: unknown, options: EnumOptions): Normalized<string> {
  if (typeof raw !== "string" && typeof raw !== "number") return reject(`${shown(raw)} is not a choice`);
  return canonicalValue(String(raw), options);
}

/** Converts a raw candidate (or a reviewer's value) to the field's type, or says why it is not one. */
export function normalizeValue(type: FieldType, raw: unknown, options: NormalizeOptions = {}): Normalized<unknown> {
  switch (type) {
    case "string": return parseString(raw, options.keep_spacing);
    case "number": return parseNumber(raw, options.decimal);
    case "integer": return parseInteger(raw, options.decimal);
    case "boolean": return parseBoolean(raw, options);
    case "date": return parseDate(raw, options);
    case "currency": return parseCurrency(raw, options);
    case "enum": return parseEnum(raw, options);
    case "json": return parseJson(raw);
  }
}
