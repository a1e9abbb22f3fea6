import { describe, expect, it } from "vitest";
import { isValidTimezone, nextRun, parseCron } from "../../src/schedules/cron";

const next = (expression: string, after: string, timezone = "UTC") => nextRun(parseCron(expression), new Date(after), timezone)?.toISOString() ?? null;

/** `count` successive runs, each computed from the one before, as a scheduler would. */
function runs(expression: string, after: string, count: number, timezone = "UTC") {
  const out: string[] = [];
  let at = new Date(after);
  for (let i = 0; i < count; i++) {
    const run = nextRun(parseCron(expression), at, timezone);
    if (!run) break;
    out.push(run.toISOString());
    at = run;
  }
  return out;
}

type Wall = { minute: number; hour: number; day: number; month: number; weekday: number };
const intlWall = (timezone: string) => {
  const f = new Intl.DateTimeFormat("en-US", { timeZone: timezone, hourCycle: "h23", weekday: "short", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
  return (t: number): Wall => {
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
    const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(p.weekday);
    return { minute: Number(p.minute), hour: Number(p.hour), day: Number(p.day), month: Number(p.month), weekday };
  };
};
/** For zones without DST: the same answer as `Intl`, fast enough to walk forty days. */
const fixedOffsetWall = (offsetMinutes: number) => (t: number): Wall => {
  const d = new Date(t + offsetMinutes * 60_000);
  return { minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, weekday: d.getUTCDay() };
};

/** The reference: walk minute by minute and match each instant's wall clock field by field. */
function bruteForce(expression: string, after: string, wallOf: (t: number) => Wall, limitMinutes: number): string | null {
  const [minute, hour, dom, month, dow] = expression.split(" ");
  const matches = (field: string, n: number, max: number, first = 0) =>
    field.split(",").some((part) => {
      const [range, step = "1"] = part.split("/");
      const [from, to] = range === "*" ? [first, max] : range.split("-").map(Number);
      const end = part.includes("/") && to === undefined ? max : (to ?? from);
      return n >= from && n <= end && (n - from) % Number(step) === 0;
    });
  const table = (field: string, max: number, first = 0) => Array.from({ length: max + 1 }, (_, n) => matches(field, n, max, first));
  const [minutes, hours, days, months, weekdays] = [table(minute, 59), table(hour, 23), table(dom, 31, 1), table(month, 12, 1), table(dow, 7)];
  let t = Math.floor(new Date(after).getTime() / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < limitMinutes; i++, t += 60_000) {
    const w = wallOf(t);
    const domOk = days[w.day];
    const dowOk = weekdays[w.weekday] || (w.weekday === 0 && weekdays[7]);
    const dayOk = dom.startsWith("*") || dow.startsWith("*") ? domOk && dowOk : domOk || dowOk;
    if (minutes[w.minute] && hours[w.hour] && months[w.month] && dayOk) {
      return new Date(t).toISOString();
    }
  }
  return null;
}

describe("cron expressions", () => {
  it.each([
    ["*/15 * * * *", "2026-01-01T10:07:30Z", "2026-01-01T10:15:00.000Z"],
    ["*/15 * * * *", "2026-01-01T10:15:00Z", "2026-01-01T10:30:00.000Z"],
    ["1-10/3 * * * *", "2026-01-01T10:04:00Z", "2026-01-01T10:07:00.000Z"],
    ["1-10/3 * * * *", "2026-01-01T10:10:00Z", "2026-01-01T11:01:00.000Z"],
    ["5/20 * * * *", "2026-01-01T10:26:00Z", "2026-01-01T10:45:00.000Z"],
    ["0 */6 * * *", "2026-01-01T06:00:00Z", "2026-01-01T12:00:00.000Z"],
    ["0 9 * * mon-fri", "2026-11-21T10:00:00Z", "2026-11-23T09:00:00.000Z"],
    ["0 9 * * MON-Fri", "2026-11-27T09:00:00Z", "2026-11-30T09:00:00.000Z"],
    ["0 0 * JAN,Mar sun", "2026-01-31T12:00:00Z", "2026-03-01T00:00:00.000Z"],
    ["0 0 * jan-mar/2 *", "2026-01-31T12:00:00Z", "2026-03-01T00:00:00.000Z"],
    ["5,10-12/2 3 * * 7", "2026-11-22T03:06:00Z", "2026-11-22T03:10:00.000Z"],
    ["0 0 * * 0", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00.000Z"],
  ])("%s after %s → %s", (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it.each([
    ["0 0 31 * *", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00.000Z"], // skips 30-day April
    ["0 0 30 * *", "2026-01-30T00:00:00Z", "2026-03-30T00:00:00.000Z"], // February has no 30th
    ["0 0 29 feb *", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00.000Z"], // the next leap year
    ["0 0 28-31 2 *", "2028-02-28T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    ["0 0 28-31 2 *", "2027-02-28T00:00:00Z", "2028-02-28T00:00:00.000Z"],
    ["59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00.000Z"], // year end
    ["0 0 1 * *", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00.000Z"],
  ])("month ends: %s after %s → %s", (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it("runs on either day field when both are restricted, on both when one starts with *", () => {
    // 2026-11-13 is a Friday; the 1st of December a Tuesday.
    expect(runs("0 0 13 * fri", "2026-11-01T00:00:00Z", 4)).toEqual([
      "2026-11-06T00:00:00.000Z", "2026-11-13T00:00:00.000Z", "2026-11-20T00:00:00.000Z", "2026-11-27T00:00:00.000Z",
    ]);
    expect(next("0 12 1 * 1", "2026-06-02T00:00:00Z")).toBe("2026-06-08T12:00:00.000Z");
    // `*/10` counts as unrestricted (Vixie's rule): the 1st, 11th, 21st or 31st, and a Tuesday.
    expect(runs("0 0 */10 * tue", "2026-11-01T00:00:00Z", 2)).toEqual(["2026-12-01T00:00:00.000Z", "2027-05-11T00:00:00.000Z"]);
    expect(runs("0 0 */10 * *", "2026-11-01T00:00:00Z", 3)).toEqual(["2026-11-11T00:00:00.000Z", "2026-11-21T00:00:00.000Z", "2026-12-01T00:00:00.000Z"]);
  });

  it("reads the wall clock of the timezone, including a half-hour offset", () => {
    expect(next("0 9 * * *", "2026-07-01T00:00:00Z", "America/New_York")).toBe("2026-07-01T13:00:00.000Z");
    expect(next("0 9 * * *", "2026-12-01T00:00:00Z", "America/New_York")).toBe("2026-12-01T14:00:00.000Z");
    expect(next("0 0 * * mon", "2026-11-22T17:00:00Z", "Asia/Kolkata")).toBe("2026-11-22T18:30:00.000Z");
    expect(next("0 0 1 jan *", "2026-06-01T00:00:00Z", "Pacific/Auckland")).toBe("2026-12-31T11:00:00.000Z");
  });

  it("runs a fixed time DST skips when the clock jumps, and a fixed time DST repeats once", () => {
    // Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00Z).
    expect(runs("30 2 * * *", "2026-03-28T12:00:00Z", 3, "Europe/Berlin")).toEqual([
      "2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z", "2026-03-31T00:30:00.000Z",
    ]);
    expect(runs("*/20 2 * * *", "2026-03-28T12:00:00Z", 2, "Europe/Berlin")).toEqual(["2026-03-29T01:00:00.000Z", "2026-03-30T00:00:00.000Z"]);
    // Berlin, 25 October 2026: 03:00 CEST goes back to 02:00 CET (01:00Z).
    expect(runs("30 2 * * *", "2026-10-24T12:00:00Z", 3, "Europe/Berlin")).toEqual([
      "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z", "2026-10-27T01:30:00.000Z",
    ]);
    // Lord Howe moves by half an hour: 02:00 becomes 02:30 on 4 October 2026.
    expect(next("0 2 * * *", "2026-10-03T12:00:00Z", "Australia/Lord_Howe")).toBe("2026-10-03T15:30:00.000Z");
  });

  it("keeps an interval schedule's rhythm in real time across both DST changes", () => {
    expect(runs("*/30 * * * *", "2026-03-29T00:00:00Z", 4, "Europe/Berlin")).toEqual([
      "2026-03-29T00:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T01:30:00.000Z", "2026-03-29T02:00:00.000Z",
    ]);
    expect(runs("*/30 * * * *", "2026-10-24T23:45:00Z", 6, "Europe/Berlin")).toEqual([
      "2026-10-25T00:00:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-25T01:00:00.000Z",
      "2026-10-25T01:30:00.000Z", "2026-10-25T02:00:00.000Z", "2026-10-25T02:30:00.000Z",
    ]);
    // From inside the first pass of the repeated hour, the next run is still in the first pass.
    expect(next("*/15 * * * *", "2026-10-25T00:20:00Z", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
  });

  it("agrees with a minute-by-minute reference for interval schedules around DST changes", () => {
    const cases: Array<[string, string]> = [
      ["America/New_York", "2026-03-08T05:00:00Z"], ["America/New_York", "2026-11-01T04:30:00Z"],
      ["Europe/Berlin", "2026-03-28T23:50:00Z"], ["Europe/Berlin", "2026-10-25T00:10:00Z"],
      ["Australia/Lord_Howe", "2026-04-04T14:00:00Z"], ["Australia/Lord_Howe", "2026-10-03T15:00:00Z"],
    ];
    for (const [timezone, from] of cases) {
      const wallOf = intlWall(timezone);
      for (const expression of ["*/7 * * * *", "*/20 * * * *", "0,45 * * * *", "10 * * * *"]) {
        let at = from;
        for (let i = 0; i < 8; i++) {
          const expected = bruteForce(expression, at, wallOf, 24 * 60);
          expect(next(expression, at, timezone), `${expression} in ${timezone} after ${at}`).toBe(expected);
          at = expected!;
        }
      }
    }
  });

  it("agrees with a minute-by-minute reference on generated expressions", () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const field = (min: number, max: number) => {
      const a = min + random(max - min + 1);
      const b = a + random(max - a + 1);
      return ["*", `${a}`, `${a}-${b}`, `*/${1 + random(6)}`, `${a}-${b}/${1 + random(3)}`, `${a},${b}`][random(6)];
    };
    for (let i = 0; i < 200; i++) {
      const expression = [field(0, 59), field(0, 23), field(1, 31), field(1, 12), field(0, 7)].join(" ");
      const after = new Date(Date.UTC(2026, random(12), 1 + random(28), random(24), random(60))).toISOString();
      const [timezone, offset] = ([["UTC", 0], ["Asia/Kolkata", 330]] as const)[random(2)];
      const expected = bruteForce(expression, after, fixedOffsetWall(offset), 40 * 24 * 60);
      const actual = next(expression, after, timezone);
      if (expected) expect(actual, `${expression} in ${timezone} after ${after}`).toBe(expected);
      else expect(actual === null || new Date(actual).getTime() > new Date(after).getTime() + 40 * 86_400_000, expression).toBe(true);
    }
  });

  it("never matches an impossible date and refuses malformed fields with the field named", () => {
    expect(next("0 0 30 2 *", "2026-01-01T00:00:00Z")).toBeNull();
    expect(next("0 0 31 apr,jun,sep,nov *", "2026-01-01T00:00:00Z")).toBeNull();
    for (const [bad, message] of [["* * *", "5 fields"], ["* * * * * *", "5 fields"], ["60 * * * *", "minute"], ["* 24 * * *", "hour"],
      ["* * 0 * *", "day of month"], ["* * 32 * *", "day of month"], ["* * * 13 *", "month"], ["* * * 0 *", "month"], ["* * * * 8", "day of week"],
      ["5-1 * * * *", "backwards"], ["*/0 * * * *", "step"], ["x * * * *", "minute"], ["mon * * * *", "minute"], ["* * * * monday", "day of week"],
      ["1,,2 * * * *", "minute"], ["? * * * *", "minute"], ["* * L * *", "day of month"], ["-1 * * * *", "minute"], ["* * * * 1#2", "day of week"]]) {
      expect(() => parseCron(bad), bad).toThrow(message);
    }
  });

  it("accepts IANA timezones only", () => {
    expect(isValidTimezone("Europe/Berlin")).toBe(true);
    expect(isValidTimezone("UTC")).toBe(true);
    expect(isValidTimezone("Mars/Olympus")).toBe(false);
    expect(isValidTimezone("")).toBe(false);
  });
});
