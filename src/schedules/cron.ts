/**
 * Standard 5-field cron (minute hour day-of-month month day-of-week) with `*`, lists, ranges,
 * steps and names, evaluated in an IANA timezone through `Intl` (no dependency, runs on Workers).
 * Day fields follow Vixie cron: when both are restricted (neither starts with `*`) a day matching
 * either one runs; otherwise a day must match both.
 */
export interface CronSpec {
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  anyDay: boolean;
  anyWeekday: boolean;
  /** An hour field starting with `*` keeps its interval through DST; a fixed hour runs once a day. */
  anyHour: boolean;
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
    anyDay: parts[2].startsWith("*"), anyWeekday: parts[4].startsWith("*"), anyHour: parts[1].startsWith("*"),
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

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: number, timezone: string): Wall {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone, hourCycle: "h23",
      year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric",
    });
    formatters.set(timezone, f);
  }
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, Number(x.value)]));
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute };
}

const wallMs = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
const offsetAt = (t: number, timezone: string) => wallMs(wallClock(t, timezone)) - Math.floor(t / MINUTE) * MINUTE;

/** The instants a wall-clock time names in a zone, earliest first: none in a DST gap, two in a repeated hour. */
function instantsOf(wall: Wall, timezone: string): number[] {
  const asUtc = wallMs(wall);
  const candidates = new Set([asUtc - offsetAt(asUtc - 12 * HOUR, timezone), asUtc - offsetAt(asUtc + 12 * HOUR, timezone)]);
  return [...candidates].filter((t) => wallMs(wallClock(t, timezone)) === asUtc).sort((a, b) => a - b);
}

/** The first instant after a DST gap that swallowed `wall`: where the clock lands when it jumps. */
function gapEnd(wall: Wall, timezone: string): number {
  const asUtc = wallMs(wall);
  let [lo, hi] = [asUtc - offsetAt(asUtc - 12 * HOUR, timezone), asUtc - offsetAt(asUtc + 12 * HOUR, timezone)].sort((a, b) => a - b);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (wallMs(wallClock(mid, timezone)) > asUtc) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * When a matching wall-clock time fires. A fixed-hour time DST skips runs when the clock jumps
 * past it and one DST repeats runs once (like Vixie cron); an `*` hour just follows the clock.
 */
function firesAt(spec: CronSpec, wall: Wall, timezone: string): number[] {
  const instants = instantsOf(wall, timezone);
  if (spec.anyHour) return instants;
  return instants.length > 0 ? instants.slice(0, 1) : [gapEnd(wall, timezone)];
}

const dayMatches = (spec: CronSpec, date: Date) => {
  const dom = spec.days.has(date.getUTCDate());
  const dow = spec.weekdays.has(date.getUTCDay());
  return spec.anyDay || spec.anyWeekday ? dom && dow : dom || dow;
};

/** The first run strictly after `after`, or null if none in the next five years (e.g. 30 Feb). */
export function nextRun(spec: CronSpec, after: Date, timezone: string): Date | null {
  const afterMs = after.getTime();
  const start = wallClock(afterMs, timezone);
  // Only a clock about to go back can make a wall time earlier than now still lie ahead.
  const skipPast = offsetAt(afterMs + 3 * HOUR, timezone) >= offsetAt(afterMs, timezone);
  const firstDay = Date.UTC(start.year, start.month - 1, start.day);
  for (let d = 0; d < 366 * 5; d++) {
    const date = new Date(firstDay + d * DAY); // a calendar day, read through UTC getters
    if (!spec.months.has(date.getUTCMonth() + 1) || !dayMatches(spec, date)) continue;
    let best: number | null = null;
    for (const hour of spec.hours) {
      for (const minute of spec.minutes) {
        if (d === 0 && skipPast && (hour < start.hour || (hour === start.hour && minute <= start.minute))) continue;
        const wall = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute };
        const times = firesAt(spec, wall, timezone);
        // A later wall time never fires earlier than an earlier one first does, so this ends the search.
        if (best !== null && times.length > 0 && times[0] > best) return new Date(best);
        for (const t of times) if (t > afterMs && (best === null || t < best)) best = t;
      }
    }
    if (best !== null) return new Date(best);
  }
  return null;
}
