import { foldText, monthTable, monthWordSource } from "./months";

/**
 * Which way round a document writes its numeric dates, from the document itself: `03/04/2024` is
 * 3 April in Germany and March 4 in the US, and only the rest of the document can tell. Evidence,
 * strongest first:
 * 1. another numeric date of the document that reads one way only (`25/04/2024`, `04/25/2024`);
 * 2. how its dates with a month name are written (`5 March 2024` vs `March 5, 2024`; a month name of a
 *    language whose countries all write the day first), and dotted numeric dates (`03.04.2024`);
 * 3. the language of its labels (`Rechnung`, `Facture`, `Factuur`…), for languages written day first.
 * Evidence that points both ways at the same strength decides nothing: the date is held.
 */

export type DateOrder = "day_first" | "month_first";

/** `order` null: nothing in the document decides (or its evidence conflicts); `because` says why, for a reviewer. */
export interface DateEvidence {
  order: DateOrder | null;
  because: string;
}

/** Invoice and form words of languages whose countries all write dates day first; English says nothing (UK vs US). */
const DAY_FIRST_WORDS: Record<string, string[]> = {
  German: ["rechnung", "rechnungsnummer", "rechnungsdatum", "lieferdatum", "datum", "betrag", "gesamtbetrag", "mwst",
    "ust", "steuernummer", "kundennummer", "bestellnummer", "zahlbar", "summe", "faellig", "bankverbindung", "anschrift"],
  French: ["facture", "montant", "tva", "echeance", "numero", "adresse", "paiement", "reglement", "total ttc", "date de",
    "commande", "livraison", "siret"],
  Dutch: ["factuur", "factuurnummer", "factuurdatum", "bedrag", "btw", "vervaldatum", "betaling", "klantnummer", "totaal",
    "ordernummer", "leverdatum", "datum"],
  Spanish: ["factura", "fecha", "importe", "iva", "vencimiento", "cliente", "direccion", "pedido"],
  Italian: ["fattura", "importo", "scadenza", "partita iva", "pagamento", "ordine", "indirizzo"],
  Portuguese: ["fatura", "vencimento", "valor", "morada", "pagamento", "encomenda", "contribuinte"],
};

/** Languages of DATE_LANGUAGES other than English: all write the day first. */
const ENGLISH_MONTHS = monthTable(["en"]);
const DAY_FIRST_MONTHS = monthTable(["de", "fr", "nl", "es", "it", "pt"]);

const NUMERIC = /(?<![\d./-])(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-])/g;
const DOTTED = /(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?![\d.])/;

type Votes = Record<DateOrder, string[]>;

function numericVotes(text: string): Votes {
  const votes: Votes = { day_first: [], month_first: [] };
  for (const m of text.matchAll(NUMERIC)) {
    const [first, second] = [Number(m[1]), Number(m[3])];
    if (first > 12 && first <= 31 && second >= 1 && second <= 12) votes.day_first.push(m[0]);
    else if (second > 12 && second <= 31 && first >= 1 && first <= 12) votes.month_first.push(m[0]);
  }
  return votes;
}

function namedVotes(folded: string, original: string): Votes {
  const votes: Votes = { day_first: [], month_first: [] };
  const month = monthWordSource();
  for (const m of folded.matchAll(new RegExp(String.raw`(?<![\w])(\d{1,2})(?:st|nd|rd|th|er)?\.? (?:de )?(${month})\.?,? (?:de )?\d{4}(?!\d)`, "g"))) {
    votes.day_first.push(m[0]);
  }
  for (const m of folded.matchAll(new RegExp(String.raw`(?<![\w])(${month})\.? (\d{1,2})(?:st|nd|rd|th)?,? \d{4}(?!\d)`, "g"))) {
    if (ENGLISH_MONTHS.has(m[1]) && !DAY_FIRST_MONTHS.has(m[1])) votes.month_first.push(m[0]);
  }
  const dotted = DOTTED.exec(original);
  if (dotted) votes.day_first.push(dotted[0]);
  return votes;
}

function languageOf(folded: string): string | null {
  let best: { language: string; hits: number } | null = null;
  for (const [language, words] of Object.entries(DAY_FIRST_WORDS)) {
    const hits = words.filter((w) => new RegExp(String.raw`(?<![\p{L}])${w}(?![\p{L}])`, "u").test(folded)).length;
    if (hits >= 2 && (!best || hits > best.hits)) best = { language, hits };
  }
  return best?.language ?? null;
}

/** One level of evidence: decides when it points one way only; null when it says nothing. */
function decided(votes: Votes, what: string): DateEvidence | null {
  const [day, month] = [votes.day_first[0], votes.month_first[0]];
  if (day && month) return { order: null, because: `the document writes dates both ways (${day}; ${month})` };
  if (day) return { order: "day_first", because: `${what} ${JSON.stringify(day)} in the same document puts the day first` };
  if (month) return { order: "month_first", because: `${what} ${JSON.stringify(month)} in the same document puts the month first` };
  return null;
}

const cache = new WeakMap<readonly string[], DateEvidence>();

/** The document's date order and why (see the module comment); computed once per document's pages. */
export function dateEvidence(pages: readonly string[]): DateEvidence {
  let evidence = cache.get(pages);
  if (evidence) return evidence;
  const text = pages.join("\n");
  const folded = foldText(text).replace(/[ \t]+/g, " ");
  const language = languageOf(folded);
  evidence = decided(numericVotes(text), "the date")
    ?? decided(namedVotes(folded, text), "the date")
    ?? (language ? { order: "day_first", because: `the document is in ${language}, which puts the day first` } : null)
    ?? { order: null, because: "nothing else in the document says whether the day or the month comes first" };
  cache.set(pages, evidence);
  return evidence;
}
