import { describe, expect, it } from "vitest";
import { Pattern, PatternError } from "../../src/documents/pattern";

describe("Pattern (RE2, linear time)", () => {
  it("finds matches with UTF-16 spans and named groups", () => {
    const text = "ab 😀 12éx 34éY";
    const matches = [...Pattern.compile(String.raw`(?P<n>\d+)é(\w)`, "i").matchAll(text)];
    expect(matches.map((m) => [m.start, m.end, m.group("n"), m.group(2)])).toEqual([
      [6, 10, "12", "x"],
      [11, 15, "34", "Y"],
    ]);
    expect(text.slice(...matches[0]!.span("n")!)).toBe("12");
  });

  it("rejects what RE2 cannot run, with the reason", () => {
    expect(() => Pattern.compile(String.raw`(a)\1`)).toThrow(PatternError);
    expect(Pattern.check("(?<=a)b")).toMatch(/not a valid RE2 pattern/);
    expect(Pattern.check("x".repeat(501))).toMatch(/longer than 500/);
    expect(Pattern.check("[a-z]+", "im")).toBeUndefined();
  });

  it("runs a catastrophic pattern in linear time", () => {
    const started = performance.now();
    expect(Pattern.compile("(a+)+$").test(`${"a".repeat(20_000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("advances past empty matches and honours the limit", () => {
    expect([...Pattern.compile("x*").matchAll("abc")].map((m) => m.start)).toEqual([0, 1, 2, 3]);
    expect([...Pattern.compile("a").matchAll("aaaa", 2)]).toHaveLength(2);
  });

  it("replaces with JavaScript-style references", () => {
    const pattern = Pattern.compile(String.raw`(\d+)\.(?P<cents>\d\d)`);
    expect(pattern.replaceAll("1.50 and 2.75", "$1,$<cents> [$&] $$ $9")).toBe("1,50 [1.50] $ $9 and 2,75 [2.75] $ $9");
  });

  it("flags follow JavaScript's letters", () => {
    expect(Pattern.compile("^b", "m").test("a\nb")).toBe(true);
    expect(Pattern.compile("^b").test("a\nb")).toBe(false);
    expect(Pattern.compile("a.b", "s").test("a\nb")).toBe(true);
    expect(Pattern.compile("ABC", "i").test("abc")).toBe(true);
  });
});
