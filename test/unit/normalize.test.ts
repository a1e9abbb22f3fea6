import { describe, expect, it } from "vitest";
import { normalizeValue } from "../../src/documents/normalize";
import { parseCurrency } from "../../src/documents/normalize/currency";
import { parseDate } from "../../src/documents/normalize/dates";
import { parseInteger, parseNumber } from "../../src/documents/normalize/numbers";

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }) => (r.ok ? r.value : `ERR ${r.message}`);

describe("numbers", () => {
  it.each([
    ["1.234,56", 1234.56], ["1,234.56", 1234.56], ["(12.00)", -12], ["-3", -3], ["1 234,5", 1234.5], ["€12", 12],
    ["1,234", 1234], ["1.234", 1234], ["0,5", 0.5], ["12.5", 12.5], ["12,50 EUR", 12.5], ["1'234.50", 1234.5], ["100-", -100],
  ])("reads %s as %s", (raw, expected) => {
    expect(value(parseNumber(raw))).toBe(expected);
  });

  it("honours an explicit decimal separator and refuses non-numbers", () => {
    expect(value(parseNumber("1.234", ","))).toBe(1234);
    expect(value(parseNumber("1,234", ","))).toBe(1.234);
    for (const raw of ["abc", "1.2.3,4,5", "", "12 apples", "€1 $2"]) expect(parseNumber(raw).ok).toBe(false);
    expect(parseInteger("12.5").ok).toBe(false);
    expect(value(parseInteger("1,000"))).toBe(1000);
  });
});

describe("dates", () => {
  it.each([
    ["2024-04-03", {}, "2024-04-03"], ["03/04/2024", {}, "2024-03-04"], ["03/04/2024", { day_first: true }, "2024-04-03"],
    ["25/12/2024", {}, "2024-12-25"], ["3 April 2024", {}, "2024-04-03"], ["April 3, 2024", {}, "2024-04-03"],
    ["03-Apr-24", {}, "2024-04-03"], ["2024-04-03T10:00:00Z", {}, "2024-04-03"], ["1st Feb 1999", {}, "1999-02-01"],
  ])("reads %s (%o) as %s", (raw, options, expected) => {
    expect(value(parseDate(raw, options))).toBe(expected);
  });

  it("refuses impossible dates", () => {
    for (const raw of ["2023-02-29", "31/04/2024", "13/13/2024", "tomorrow", "2024-4"]) expect(parseDate(raw).ok).toBe(false);
    expect(value(parseDate("2024-02-29"))).toBe("2024-02-29");
  });
});

describe("currency, enums, booleans, strings, json", () => {
  it("reads an amount with its currency or the field's default", () => {
    expect(value(parseCurrency("€1.234,56"))).toEqual({ amount: 1234.56, currency: "EUR" });
    expect(value(parseCurrency("1234.56 USD"))).toEqual({ amount: 1234.56, currency: "USD" });
    expect(value(parseCurrency("12.00", { currency: "CHF" }))).toEqual({ amount: 12, currency: "CHF" });
    expect(parseCurrency("12.00").ok).toBe(false);
    expect(parseCurrency("€12 and $3").ok).toBe(false);
  });

  it("maps enum synonyms to canonical values and refuses others", () => {
    const options = { values: ["paid", "unpaid"], synonyms: { settled: "paid", "not paid": "unpaid" } };
    expect(value(normalizeValue("enum", "Settled", options))).toBe("paid");
    expect(value(normalizeValue("enum", "NOT  paid", options))).toBe("unpaid");
    expect(value(normalizeValue("enum", "PAID", options))).toBe("paid");
    expect(normalizeValue("enum", "overdue", options).ok).toBe(false);
  });

  it("reads booleans, trims strings and parses JSON text", () => {
    expect(value(normalizeValue("boolean", "Yes"))).toBe(true);
    expect(value(normalizeValue("boolean", "0"))).toBe(false);
    expect(normalizeValue("boolean", "maybe").ok).toBe(false);
    expect(value(normalizeValue("string", "  INV-1 "))).toBe("INV-1");
    expect(normalizeValue("string", { a: 1 }).ok).toBe(false);
    expect(value(normalizeValue("json", '{"a":[1]}'))).toEqual({ a: [1] });
  });
});
