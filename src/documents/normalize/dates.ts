import { accept, reject, shown, type Normalized } from "./result";

export interface DateOptions {
  /** Read ambiguous numeric dates ("03/04/2024") as day/month rather than month/day. */
  day_first?: boolean;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_WORD = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const NUMERIC = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})$/;
const DAY_MONTH_NAME = new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)?[\s.-]*(${MONTH_WORD})[\s.,-]*(\d{2}|\d{4})$`, "i");
const MONTH_NAME_DAY = new RegExp(String.raw`^(${MONTH_WORD})[\s.-]*(\d{1,2})(?:st|nd|rd|th)?,?[\s.-]*(\d{4})$`, "i");

/** Regex source of a date-looking token, for type-aware capture next to a label. */
export const DATE_TOKEN = String.raw`(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}([-/.])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)|\d{1,2}(?:st|nd|rd|th)?[\s.-]*${MONTH_WORD}[\s.,-]*(?:\d{4}|\d{2})(?!\d)|${MONTH_WORD}[\s.-]*\d{1,2}(?:st|nd|rd|th)?,?[\s.-]*\d{4})`;

const monthOf = (word: string) => MONTHS.indexOf(word.slice(0, 3).toLowerCase()) + 1;
/** Two-digit years pivot at 70: "24" is 2024, "85" is 1985. */
const fullYear = (text: string) => (text.length === 4 ? Number(text) : Number(text) + (Number(text) < 70 ? 2000 : 1900));
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || year < 1000 || year > 9999) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null; // 31 April, 29 February of a common year
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** "03/04/2024": month first unless `day_first`, and day first whenever the first number cannot be a month. */
function numericDate(first: number, second: number, year: number, dayFirst: boolean) {
  const readDayFirst = dayFirst ? second <= 12 || first > 12 : first > 12;
  return readDayFirst ? isoDate(year, second, first) : isoDate(year, first, second);
}

function readDate(text: string, options: DateOptions): string | null {
  let m = ISO.exec(text);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = NUMERIC.exec(text);
  if (m) return numericDate(Number(m[1]), Number(m[3]), fullYear(m[4]), options.day_first ?? false);
  m = DAY_MONTH_NAME.exec(text);
  if (m) return isoDate(fullYear(m[3]), monthOf(m[2]), Number(m[1]));
  m = MONTH_NAME_DAY.exec(text);
  if (m) return isoDate(Number(m[3]), monthOf(m[1]), Number(m[2]));
  return null;
}

/** A calendar date as ISO 8601 (`YYYY-MM-DD`) from the formats invoices and forms print. */
export function parseDate(raw: unknown, options: DateOptions = {}): Normalized<string> {
  if (typeof raw !== "string") return reject(`${shown(raw)} is not a date`);
  const date = readDate(raw.trim().replace(/\s+/g, " "), options);
  return date ? accept(date) : reject(`${shown(raw)} is not a date`);
}
