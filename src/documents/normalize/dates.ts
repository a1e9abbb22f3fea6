import { DATE_LANGUAGES, foldText, monthTable, monthWordSource, PRINTED_MONTH_SOURCE, type DateLanguage } from "./months";
import type { DateEvidence } from "./date-evidence";
import { accept, reject, shown, type Normalized } from "./result";

export interface DateOptions {
  /** Read ambiguous numeric dates ("03/04/2024") as day/month (true) or month/day (false), whatever the document says. */
  day_first?: boolean;
  /** Explicit layouts (`DD.MM.YYYY`, `D MMMM YYYY`), tried in order before the general reader. */
  formats?: string[];
  /** Languages whose month names are read; all of DATE_LANGUAGES when absent. */
  languages?: DateLanguage[];
  /**
   * The order the document itself writes dates in (see ./date-evidence.ts), for an ambiguous slash or
   * dash date when `day_first` is not given: its order decides, and a document without one holds the
   * date (code `ambiguous_date`). Absent (a value outside any document): month first, as before.
   */
  evidence?: DateEvidence;
}

const ORDINAL = String.raw`(?:st|nd|rd|th|er|[ºª])?`;

/** Regex source of a date-looking token, for type-aware capture next to a label (unfolded text, flags `iu`). */
export const DATE_TOKEN = String.raw`(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}([-/.])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)|` +
  String.raw`\d{1,2}${ORDINAL}[\s.-]*(?:de\s+)?${PRINTED_MONTH_SOURCE}[\s.,-]*(?:de\s+)?(?:\d{4}|\d{2})(?!\d)|` +
  String.raw`${PRINTED_MONTH_SOURCE}[\s.-]*\d{1,2}${ORDINAL}\s*,?\s*\d{4}(?!\d))`;

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const NUMERIC = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})$/;

/** Two-digit years pivot at 70: "24" is 2024, "85" is 1985. */
const fullYear = (text: string) => (text.length === 4 ? Number(text) : Number(text) + (Number(text) < 70 ? 2000 : 1900));
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || year < 1000 || year > 9999) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null; // 31 April, 29 February of a common year
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

type Reading = { date: string | null; note?: string; ambiguous?: string };

/**
 * "03.04.2024": dots are the German, Dutch, French and Swiss way, always day first. "03/04/2024" and
 * "03-04-2024" read one way when only one reading is a date (or both agree); otherwise `day_first`
 * decides, then the document's evidence, else the date is ambiguous.
 */
function numericDate(first: number, separator: string, second: number, year: number, options: DateOptions): Reading {
  const dayFirst = isoDate(year, second, first);
  const monthFirst = isoDate(year, first, second);
  if (separator === ".") return { date: dayFirst ?? monthFirst };
  if (!dayFirst || !monthFirst || dayFirst === monthFirst) return { date: dayFirst ?? monthFirst };
  if (options.day_first !== undefined) return { date: options.day_first ? dayFirst : monthFirst };
  const { evidence } = options;
  if (!evidence) return { date: monthFirst };
  if (evidence.order === null) return { date: null, ambiguous: `reads as ${dayFirst} or ${monthFirst}: ${evidence.because}` };
  const date = evidence.order === "day_first" ? dayFirst : monthFirst;
  return { date, note: `read ${evidence.order.replace("_", " ")}: ${evidence.because}` };
}

interface NamedReaders {
  months: Map<string, number>;
  dayMonth: RegExp;
  monthDay: RegExp;
}

const namedReaders = new Map<string, NamedReaders>();

/** Readers of dates with a month name, over folded text, for one set of languages (cached). */
function readersFor(languages: readonly DateLanguage[]): NamedReaders {
  const key = [...languages].sort().join(",");
  let readers = namedReaders.get(key);
  if (!readers) {
    const month = monthWordSource(languages);
    readers = {
      months: monthTable(languages),
      dayMonth: new RegExp(String.raw`^(\d{1,2})[\s.-]*(?:de )?(${month})\.?[\s.,/-]*(?:de )?(\d{4}|\d{2})$`),
      monthDay: new RegExp(String.raw`^(${month})\.?[\s.-]*(\d{1,2}) ?,? ?(\d{4}|\d{2})$`),
    };
    namedReaders.set(key, readers);
  }
  return readers;
}

/** Folded, with ordinal suffixes dropped ("3rd" → "3", "1er" → "1") and spaces collapsed. */
const simplified = (text: string) =>
  foldText(text).replace(/(\d)(?:st|nd|rd|th|er|[ºª])(?![a-z])/g, "$1").replace(/\s+/g, " ").trim();

function readDate(text: string, options: DateOptions): Reading {
  let m = ISO.exec(text);
  if (m) return { date: isoDate(Number(m[1]), Number(m[2]), Number(m[3])) };
  m = NUMERIC.exec(text);
  if (m) return numericDate(Number(m[1]), m[2], Number(m[3]), fullYear(m[4]), options);
  const readers = readersFor(options.languages ?? DATE_LANGUAGES);
  m = readers.dayMonth.exec(text);
  if (m) return { date: isoDate(fullYear(m[3]), readers.months.get(m[2])!, Number(m[1])) };
  m = readers.monthDay.exec(text);
  if (m) return { date: isoDate(fullYear(m[3]), readers.months.get(m[1])!, Number(m[2])) };
  return { date: null };
}

/** The failure code of a date that reads two ways with nothing to decide: the value is held for review. */
export const AMBIGUOUS_DATE = "ambiguous_date";

const TOKEN = /YYYY|YY|MMMM|MMM|MM|M|DD|D/g;
const TOKEN_SOURCE: Record<string, (month: string) => string> = {
  YYYY: () => String.raw`(\d{4})`, YY: () => String.raw`(\d{2})`, MM: () => String.raw`(\d{2})`, M: () => String.raw`(\d{1,2})`,
  DD: () => String.raw`(\d{2})`, D: () => String.raw`(\d{1,2})`, MMM: (month) => `(${month})\\.?`, MMMM: (month) => `(${month})\\.?`,
};

/** Which tokens a format uses, in order; a format is valid when it has exactly one day, one month and one year. */
export function formatTokens(format: string): string[] {
  return format.match(TOKEN) ?? [];
}

export function checkDateFormat(format: string): string | undefined {
  const kinds = formatTokens(format).map((t) => t[0]);
  for (const kind of ["D", "M", "Y"]) {
    if (kinds.filter((k) => k === kind).length !== 1) return "must hold exactly one day (D, DD), month (M, MM, MMM, MMMM) and year (YY, YYYY)";
  }
  return undefined;
}

const escapeLiteral = (text: string) => foldText(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, " ?");

/** An explicit format as a reader of folded text: literals match as written (spaces optional), tokens as their kind. */
function formatReader(format: string, languages: readonly DateLanguage[]): RegExp {
  const month = monthWordSource(languages);
  let source = "";
  let last = 0;
  for (const m of format.matchAll(TOKEN)) {
    source += escapeLiteral(format.slice(last, m.index)) + TOKEN_SOURCE[m[0]](month);
    last = m.index + m[0].length;
  }
  return new RegExp(`^${source}${escapeLiteral(format.slice(last))}$`);
}

function readFormat(text: string, format: string, languages: readonly DateLanguage[]): string | null {
  const m = formatReader(format, languages).exec(text);
  if (!m) return null;
  const parts: Record<string, string> = {};
  formatTokens(format).forEach((token, i) => (parts[token[0]] = token.startsWith("MMM") ? `#${m[i + 1]}` : m[i + 1]));
  const month = parts.M.startsWith("#") ? monthTable(languages).get(parts.M.slice(1))! : Number(parts.M);
  return isoDate(fullYear(parts.Y), month, Number(parts.D));
}

/** A calendar date as ISO 8601 (`YYYY-MM-DD`): the explicit formats in order, then the formats invoices print. */
export function parseDate(raw: unknown, options: DateOptions = {}): Normalized<string> {
  if (typeof raw !== "string") return reject(`${shown(raw)} is not a date`);
  const text = simplified(raw);
  const languages = options.languages ?? DATE_LANGUAGES;
  for (const format of options.formats ?? []) {
    const date = readFormat(text, format, languages);
    if (date) return accept(date);
  }
  const reading = readDate(text, options);
  if (reading.ambiguous) return { ok: false, code: AMBIGUOUS_DATE, message: `${shown(raw)} ${reading.ambiguous}` };
  if (!reading.date) return reject(`${shown(raw)} is not a date`);
  return reading.note ? { ok: true, value: reading.date, note: reading.note } : accept(reading.date);
}
