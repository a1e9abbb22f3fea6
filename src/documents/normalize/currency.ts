import { CURRENCY_CODES, scanCurrency } from "./currency-codes";
import { parseNumber, type DecimalMode } from "./numbers";
import { accept, reject, shown, type Normalized } from "./result";

export interface Money {
  amount: number;
  currency: string;
}

export interface CurrencyOptions {
  decimal?: DecimalMode;
  /** ISO 4217 code used when the text names no currency. */
  currency?: string;
}

const isMoney = (raw: unknown): raw is Money =>
  typeof raw === "object" && raw !== null && typeof (raw as Money).amount === "number" && typeof (raw as Money).currency === "string";

/** An amount with its currency: "€1.234,56", "EUR 1,234.56", "1234.56 USD", "$12", "(12.00) CHF". */
export function parseCurrency(raw: unknown, options: CurrencyOptions = {}): Normalized<Money> {
  if (isMoney(raw)) {
    // Already normalised (e.g. resolved twice, or a reviewer's override): check, don't reinterpret.
    if (!CURRENCY_CODES.includes(raw.currency)) return reject(`"${raw.currency}" is not an ISO 4217 currency code`);
    return Number.isFinite(raw.amount) ? accept({ amount: raw.amount, currency: raw.currency }) : reject("amount is not a finite number");
  }
  if (typeof raw !== "string" && typeof raw !== "number") return reject(`${shown(raw)} is not an amount`);
  const scan = typeof raw === "string" ? scanCurrency(raw) : { code: null, rest: raw };
  if ("problem" in scan && scan.problem) return reject(`${shown(raw)}: ${scan.problem}`);
  const currency = scan.code ?? options.currency;
  if (!currency) return reject(`${shown(raw)} names no currency and the field has no default (resolve.currency)`);
  const amount = parseNumber(scan.rest, options.decimal);
  if (!amount.ok) return reject(`${shown(raw)} has no readable amount`);
  return accept({ amount: amount.value, currency });
}
