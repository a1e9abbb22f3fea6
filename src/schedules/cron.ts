/**
 * Standard 5-field cron (minute hour day-of-month month day-of-week) with `*`, lists, ranges,
 * steps and names, evaluated in an IANA timezone through `Intl` (no dependency, runs on Workers).
 * As in Vixie cron, when both day fields are restricted a day matching either one runs.
 */
export interface CronSpec {
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  anyDay: boolean;
  anyWeekday: boolean;
}

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

type Field = (typeof FIELDS)[number];

function value(text: string, field: Field): number {
  const named = "names" in field ? (field.names as readonly string[]).indexOf(text.toLowerCase()) : -1;
  const n = named >= 0 ? named + (field.name === "month" ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= field.min && n <= field.max)) throw new Error(`${field.name}: '${text}' is not between ${field.min} and ${field.max}`);
  return n;
}

function parseField(text: string, field: Field): number[] {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(part);
    if (!m) throw new Error(`${field.name}: '${part}' is not a value, range or step`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw new Error(`${field.name}: step must be at least 1`);
    const [from, to] = m[1] === "*" ? [field.min, field.max] : m[1].split("-").map((t) => value(t, field));
    const end = m[2] !== undefined && to === undefined ? field.max : (to ?? from);
    if (end < from) throw new Error(`${field.name}: range ${m[1]} runs backwards`);
    for (let n = from; n <= end; n += step) out.add(field.name === "day of week" && n === 7 ? 0 : n);
  }
  return [...out].sort((a, b) => a - b);
}

/** Parses an expression or throws with a message naming the field at fault. */
export function parseCron(expression: string): CronSpec {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error("needs 5 fields: minute hour day-of-month month day-of-week");
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => parseField(p, FIELDS[i]));
  return {
    minutes, hours, days: new Set(days), months: new Set(months), weekdays: new Set(weekdays),
    anyDay: parts[2] === "*", anyWeekday: parts[4] === "*",
  };
}

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(instant: number, timezone: string) {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
    formatters.set(timezone, f);
  }
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, Number(x.value)]));
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute };
}

/** The instant a wall-clock time names in a zone; null when it does not exist (a DST gap). */
function instantOf(year: number, month: number, day: number, hour: number, minute: number, timezone: string): number | null {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const offsetAt = (t: number) => {
    const w = wallClock(t, timezone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(t / 60_000) * 60_000;
  };
  // The earlier of two candidate offsets first, so an hour repeated by DST runs at its first occurrence.
  const candidates = [asUtc - offsetAt(asUtc - 12 * 3600_000), asUtc - offsetAt(asUtc + 12 * 3600_000)].sort((a, b) => a - b);
  for (const t of candidates) {
    const w = wallClock(t, timezone);
    if (w.year === year && w.month === month && w.day === day && w.hour === hour && w.minute === minute) return t;
  }
  return null;
}

const dayMatches = (spec: CronSpec, date: Date) => {
  const dom = spec.days.has(date.getUTCDate());
  const dow = spec.weekdays.has(date.getUTCDay());
  if (spec.anyDay && spec.anyWeekday) return true;
  if (spec.anyDay) return dow;
  if (spec.anyWeekday) return dom;
  return dom || dow;
};

/** The first run strictly after `after`, or null if none in the next five years (e.g. 30 Feb). */
export function nextRun(spec: CronSpec, after: Date, timezone: string): Date | null {
  const start = wallClock(after.getTime(), timezone);
  const firstDay = Date.UTC(start.year, start.month - 1, start.day);
  for (let d = 0; d < 366 * 5; d++) {
    const date = new Date(firstDay + d * 86_400_000); // a calendar day, read through UTC getters
    if (!spec.months.has(date.getUTCMonth() + 1) || !dayMatches(spec, date)) continue;
    for (const hour of spec.hours) {
      for (const minute of spec.minutes) {
        if (d === 0 && (hour < start.hour || (hour === start.hour && minute <= start.minute))) continue;
        const t = instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, minute, timezone);
        if (t !== null && t > after.getTime()) return new Date(t);
      }
    }
  }
  return null;
}
