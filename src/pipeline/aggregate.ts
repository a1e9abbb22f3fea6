import type { Money } from "../documents/normalize/currency";
import { accept, reject, type Normalized } from "../documents/normalize/result";
import type { Aggregate } from "../documents/extractors/options";
import type { FieldType } from "./types";

/** Sums of decimals stay exact to what documents print: 0.1 + 0.2 is 0.3. */
const tidy = (n: number) => Number(n.toFixed(10));

/** The one currency of several amounts, or why there is none. */
function sameCurrency(values: Money[]): Normalized<string> {
  const codes = new Set(values.map((v) => v.currency));
  return codes.size === 1 ? accept(values[0].currency) : reject(`matches in several currencies: ${[...codes].join(", ")}`);
}

function extreme(type: FieldType, values: unknown[], wantMax: boolean): Normalized<unknown> {
  const better = (a: number | string, b: number | string) => (wantMax ? a > b : a < b);
  if (type === "currency") {
    const money = values as Money[];
    const currency = sameCurrency(money);
    if (!currency.ok) return currency;
    return accept(money.reduce((a, b) => (better(b.amount, a.amount) ? b : a)));
  }
  return accept((values as Array<number | string>).reduce((a, b) => (better(b, a) ? b : a)));
}

function sum(type: FieldType, values: unknown[]): Normalized<unknown> {
  if (type === "currency") {
    const money = values as Money[];
    const currency = sameCurrency(money);
    if (!currency.ok) return currency;
    return accept({ amount: tidy(money.reduce((t, m) => t + m.amount, 0)), currency: currency.value });
  }
  return accept(tidy((values as number[]).reduce((t, n) => t + n, 0)));
}

/**
 * Combines a field's normalised values (document order, duplicates kept) into its one value.
 * The compiler allows each aggregate only for the types it means something for.
 */
export function aggregateValues(
  aggregate: Aggregate, type: FieldType, values: unknown[], separator = ", ",
): Normalized<unknown> {
  if (values.length === 0) return reject("no values to aggregate");
  switch (aggregate) {
    case "first": return accept(values[0]);
    case "last": return accept(values[values.length - 1]);
    case "list": return accept(values);
    case "join": return accept(values.map(String).join(separator));
    case "sum": return sum(type, values);
    case "min": return extreme(type, values, false);
    case "max": return extreme(type, values, true);
  }
}
