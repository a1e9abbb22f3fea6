/**
 * One definition for the six issuers of the invoice fixtures, written as a careful user would:
 * issuer-specific extractors behind `when`, a generic fallback, and a blocking gate that checks
 * presence, shape, plausible dates and that the amounts add up.
 */
const issuer = (keyword: string) => ({ when: { any: [keyword] } });
const ISSUERS: Array<[string, string]> = [
  ["Northwind", "Northwind Supplies"], ["Müller", "Müller Bürotechnik"], ["Atelier Lumière", "Atelier Lumière SARL"],
  ["De Vries", "De Vries B.V."], ["Brightwater", "Brightwater Logistics"], ["Alpenglühen", "Alpenglühen AG"],
];
/** The Swiss issuer prints each amount left of its label, with a trailing minus on credit notes. */
const swissAmount = (label: string) => ({ type: "regex", pattern: `CHF ([\\d']+\\.\\d\\d-?)\\s+${label}`, ...issuer("Alpenglühen AG") });

export const INVOICE_DEFINITION = {
  fields: [
    { name: "vendor", type: "string", extract: ISSUERS.map(([value, keyword]) => ({ type: "constant", value, ...issuer(keyword) })) },
    { name: "invoice_number", type: "string", extract: [
      { type: "regex", pattern: "Factuurnummer[^\\n]*\\n\\s*(\\S+)", ...issuer("De Vries B.V.") },
      { type: "regex", pattern: "(?:Rechnung|Gutschrift) Nr\\. (\\S+)", ...issuer("Alpenglühen AG") },
      { type: "label", labels: ["Invoice #", "Invoice Number", "Rechnungsnummer", "Facture N°"] },
    ] },
    { name: "invoice_date", type: "date", resolve: { formats: ["DD.MM.YYYY", "MM/DD/YYYY"] }, extract: [
      { type: "regex", pattern: "(\\d{1,2} [a-z]+ \\d{4})", after: "Factuurdatum", ...issuer("De Vries B.V.") },
      { type: "label", labels: ["Invoice Date", "Date", "Rechnungsdatum", "Datum"] },
    ] },
    { name: "subtotal", type: "number", extract: [
      swissAmount("Zwischensumme"),
      { type: "label", labels: ["Subtotal"], pages: "last", ...issuer("Brightwater Logistics") },
      { type: "label", labels: ["Subtotal", "Nettobetrag", "Total HT", "Subtotaal"] },
    ] },
    { name: "tax", type: "number", extract: [
      swissAmount("MWST"),
      { type: "label", labels: ["Sales Tax (8.25%)", "MwSt. 19 %", "TVA 20 %", "BTW 21%", "VAT 20%"] },
    ] },
    { name: "total", type: "number", extract: [
      swissAmount("Total"),
      { type: "label", labels: ["Total"], pages: "last", ...issuer("Brightwater Logistics") },
      { type: "label", labels: ["Total Due", "Gesamtbetrag", "Total TTC", "Totaal"] },
    ] },
  ],
  phases: [
    { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
    { type: "validation", gates: [{ id: "invoice", mode: "blocking", rules: [
      ...["vendor", "invoice_number", "invoice_date", "subtotal", "tax", "total"].map((field) => ({ rule: "required", field })),
      { rule: "pattern", field: "invoice_number", pattern: "^[A-Z0-9][A-Z0-9-]*[0-9]$" },
      { rule: "date_between", field: "invoice_date", from: "2015-01-01", to: "2030-12-31" },
      ...["subtotal", "tax", "total"].map((field) => ({ rule: "expression", field, expression: "$abs(subtotal + tax - total) <= 0.01" })),
    ] }] },
  ],
};
