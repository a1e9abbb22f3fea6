import { describe, expect, it } from "vitest";
import { isValidTimezone, nextRun, parseCron } from "../../src/schedules/cron";

const next = (expression: string, after: string, timezone = "UTC") => nextRun(parseCron(expression), new Date(after), timezone)?.toISOString() ?? null;

describe("cron expressions", () => {
  it.each([
    ["*/15 * * * *", "2026-01-01T10:07:30Z", "2026-01-01T10:15:00.000Z"],
    ["*/15 * * * *", "2026-01-01T10:15:00Z", "2026-01-01T10:30:00.000Z"],
    ["0 9 * * mon-fri", "2026-11-21T10:00:00Z", "2026-11-23T09:00:00.000Z"],
    ["0 0 31 * *", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00.000Z"],
    ["0 0 29 feb *", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    ["0 12 1 * 1", "2026-06-02T00:00:00Z", "2026-06-08T12:00:00.000Z"],
    ["5,10-12/2 3 * * 7", "2026-11-22T03:06:00Z", "2026-11-22T03:10:00.000Z"],
    ["59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00.000Z"],
  ])("%s after %s → %s", (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it("follows the timezone across DST: a skipped local time is skipped, a repeated one runs once", () => {
    expect(next("0 9 * * *", "2026-07-01T00:00:00Z", "America/New_York")).toBe("2026-07-01T13:00:00.000Z");
    expect(next("0 9 * * *", "2026-12-01T00:00:00Z", "America/New_York")).toBe("2026-12-01T14:00:00.000Z");
    expect(next("30 2 * * *", "2026-03-29T00:00:00Z", "Europe/Berlin")).toBe("2026-03-30T00:30:00.000Z");
    expect(next("30 2 * * *", "2026-10-25T00:00:00Z", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
    expect(next("30 2 * * *", "2026-10-25T00:30:00Z", "Europe/Berlin")).toBe("2026-10-26T01:30:00.000Z");
  });

  it("never matches an impossible date and refuses malformed fields with the field named", () => {
    expect(next("0 0 30 2 *", "2026-01-01T00:00:00Z")).toBeNull();
    for (const [bad, message] of [["* * *", "5 fields"], ["60 * * * *", "minute"], ["* 24 * * *", "hour"], ["* * 0 * *", "day of month"],
      ["* * * 13 *", "month"], ["* * * * 8", "day of week"], ["5-1 * * * *", "backwards"], ["*/0 * * * *", "step"], ["x * * * *", "minute"]]) {
      expect(() => parseCron(bad), bad).toThrow(message);
    }
    expect(isValidTimezone("Europe/Berlin")).toBe(true);
    expect(isValidTimezone("Mars/Olympus")).toBe(false);
  });
});
