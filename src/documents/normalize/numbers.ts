import { CURRENCY_MARKER, scanCurrency } from "./currency-codes";
import { accept, reject, shown, type Normalized } from "./result";

export type DecimalMode = "auto" | "." | ",";

/**
 * Regex source of a number-looking token as printed on documents: optional sign, trailing minus or parentheses,
 * currency symbol or code on either side, digit groups separated by `.`, `,`, `'` or spaces.
 */
const DIGITS = String.raw`(?:\d{1,3}(?:[.,'’\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)`;
const CUR = CURRENCY_MARKER;
// A trailing minus is an accounting negative ("12.50-"); one followed by a digit is a range or a date ("4-5").
export const NUMBER_TOKEN = String.raw`(?:\(\s*${CUR}?\s*${DIGITS}\s*${CUR}?\s*\)(?:\s*${CUR})?`
  + String.raw`|[-−+]?\s*${CUR}?\s*[-−]?${DIGITS}(?:[-−](?!\d))?(?:\s*${CUR})?)`;

const GROUPED = /^\d{1,3}([.,'’\s])\d{3}(?:\1\d{3})*$/;

/** Splits off the sign: leading `-`/`−`, a trailing accounting `-`, or wrapping parentheses. */
function unsign(text: string): { negative: boolean; body: string } {
  const parens = /^\((.*)\)$/.exec(text);
  if (parens) return { negative: true, body: parens[1].trim() };
  if (/^[-−]/.test(text)) return { negative: true, body: text.slice(1).trim() };
  if (/-$/.test(text)) return { negative: true, body: text.slice(0, -1).trim() };
  return { negative: false, body: text.replace(/^\+/, "").trim() };
}

/**
 * Which character is the decimal separator in auto mode: the last of `.`/`,` when both occur;
 * a lone one followed by exactly three digits after a short non-zero integer part is read as
 * grouping ("1,234", "1.234"), as it is unless other grouping (spaces) is present.
 */
function decimalOf(body: string, mode: DecimalMode): string | null {
  if (mode !== "auto") return mode;
  const dot = body.lastIndexOf(".");
  const comma = body.lastIndexOf(",");
  if (dot >= 0 && comma >= 0) return dot > comma ? "." : ",";
  const sep = dot >= 0 ? "." : comma >= 0 ? "," : null;
  if (sep === null || body.split(sep).length > 2) return null;
  const [int, frac] = body.split(sep);
  const looksGrouped = frac.length === 3 && /^[1-9]\d{0,2}$/.test(int);
  return looksGrouped ? null : sep;
}

function fromBody(body: string, mode: DecimalMode): number | null {
  if (!/^[\d.,'’\s]*\d[\d.,'’\s]*$/.test(body)) return null;
  const decimal = decimalOf(body, mode);
  const parts = decimal === null ? [body] : body.split(decimal);
  if (parts.length > 2) return null;
  const [int, frac = ""] = parts;
  if (!/^\d*$/.test(frac) || (parts.length === 2 && frac === "")) return null;
  const digits = /^\d*$/.test(int) ? int : GROUPED.test(int) ? int.replace(/\D/g, "") : null;
  if (digits === null || (digits === "" && frac === "")) return null;
  return Number(`${digits || "0"}.${frac || "0"}`);
}

/** A locale-tolerant number: "1.234,56", "1,234.56", "(12.00)", "1 234,5", "-3", "€12". */
export function parseNumber(raw: unknown, mode: DecimalMode = "auto"): Normalized<number> {
  if (typeof raw === "number") return Number.isFinite(raw) ? accept(raw) : reject("not a finite number");
  if (typeof raw !== "string") return reject(`${shown(raw)} is not a number`);
  const { rest, problem } = scanCurrency(raw.trim());
  if (problem) return reject(`${shown(raw)}: ${problem}`);
  const { negative, body } = unsign(rest);
  const value = fromBody(body, mode);
  if (value === null || !Number.isFinite(value)) return reject(`${shown(raw)} is not a number`);
  return accept(negative && value !== 0 ? -value : value);
}

export function parseInteger(raw: unknown, mode: DecimalMode = "auto"): Normalized<number> {
  const parsed = parseNumber(raw, mode);
  if (!parsed.ok) return parsed;
  return Number.isSafeInteger(parsed.value) ? parsed : reject(`${shown(raw)} is not a whole number`);
}
