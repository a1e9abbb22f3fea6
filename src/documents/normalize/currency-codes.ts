/** The currency vocabulary: ISO 4217 codes, the symbols we map, and finding either in text. */

export const CURRENCY_CODES = (
  "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD " +
  "CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD " +
  "GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT " +
  "LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR " +
  "NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD " +
  "SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD " +
  "XCG XOF XPF YER ZAR ZMW ZWG"
).split(" ");

/** `$` and `¥` are ambiguous; we read them as USD and JPY, the usual reading on invoices. */
export const CURRENCY_SYMBOLS: Record<string, string> = { "€": "EUR", $: "USD", "£": "GBP", "¥": "JPY" };

/** Regex source matching one currency marker: a mapped symbol or an upper-case ISO code as a word. */
export const CURRENCY_MARKER = `(?:[€$£¥]|(?<![A-Za-z])(?:${CURRENCY_CODES.join("|")})(?![A-Za-z]))`;

export interface CurrencyScan {
  /** The one currency named in the text, or null when none is. */
  code: string | null;
  /** The text with the markers removed. */
  rest: string;
  /** Set when the text names two different currencies. */
  problem?: string;
}

export function scanCurrency(text: string): CurrencyScan {
  const found = new Set<string>();
  const rest = text.replace(new RegExp(CURRENCY_MARKER, "g"), (marker) => {
    found.add(CURRENCY_SYMBOLS[marker] ?? marker);
    return " ";
  });
  const problem = found.size > 1 ? `several currencies: ${[...found].join(", ")}` : undefined;
  return { code: found.size === 1 ? [...found][0] : null, rest: rest.trim(), problem };
}

/** ISO 4217 minor units where they are not 2: amounts are written to these many decimals. */
export const CURRENCY_MINOR_UNITS: Record<number, readonly string[]> = {
  0: ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"],
  3: ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"],
};
