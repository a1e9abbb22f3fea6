/**
 * Words invoices and forms label their fields with, in the languages Sluice reads dates in (stems:
 * German and Dutch compounds hold them, "Rechnungsdatum", "Klantnummer"). A text set off in a column
 * of its own, without digits, holding one of them is read as a label rather than a value, so a row
 * of labels over a row of values gives each label the value below it even when the definition names
 * only one of them.
 */
const STEMS = [
  // en
  "number", "no", "nr", "date", "ref", "reference", "customer", "client", "invoice", "order", "total", "amount", "due",
  "account", "tax", "vat", "po", "bill", "ship", "page", "phone", "email", "contact", "period", "terms", "payment",
  // de
  "nummer", "datum", "referenz", "kunde", "rechnung", "bestell", "betrag", "fällig", "konto", "steuer", "mwst", "seite", "zahlung",
  // fr
  "n°", "numéro", "référence", "facture", "commande", "montant", "échéance", "compte", "tva", "paiement",
  // nl
  "factuur", "klant", "referentie", "bedrag", "verval", "rekening", "btw", "betaling",
  // es, it, pt
  "factura", "fecha", "importe", "fattura", "importo", "scadenza", "fatura", "valor", "pedido", "cliente",
];

const WORD = /[\p{L}°]+/gu;

/** Whether a text reads as a field's label: no digits, and a word that is (or, in a compound, holds) a label stem. */
export function looksLikeLabel(text: string): boolean {
  if (/\d/.test(text)) return false;
  const words = text.toLowerCase().match(WORD) ?? [];
  return words.some((word) => STEMS.some((stem) => (stem.length >= 5 ? word.includes(stem) : word === stem)));
}
