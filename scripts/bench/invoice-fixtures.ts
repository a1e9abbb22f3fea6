/**
 * Invoices drawn at explicit coordinates, in six layouts real billing systems print, with the
 * values each must yield. Generated in code (no committed binaries): `drawPdf` makes the PDF,
 * `layoutText` renders the same drawing as `pdftotext -layout` would (rows by baseline, columns
 * by x), so one fixture proves extraction on PDF input and, independently, on text input.
 */
import { PDFDocument, StandardFonts, type PDFFont } from "pdf-lib";

export interface Drawn { page: number; x: number; y: number; text: string; size: number }
export interface Ruling { page: number; x0: number; y0: number; x1: number; y1: number }
export interface Expected { vendor: string; invoice_number: string; invoice_date: string; subtotal: number; tax: number; total: number }
export interface Invoice { id: string; layout: string; pages: number; drawn: Drawn[]; rulings: Ruling[]; expected: Expected }

const PAGE = { width: 595, height: 842 };
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Deterministic variety: the same fixtures on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const group = (digits: string, sep: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
const money = (n: number, thousands: string, decimal: string) => {
  const [int, frac] = Math.abs(n).toFixed(2).split(".");
  return `${n < 0 ? "-" : ""}${group(int, thousands)}${decimal}${frac}`;
};
const MONTHS = {
  de: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
  fr: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
  nl: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
};
const ordinal = (d: number) => `${d}${d % 10 === 1 && d !== 11 ? "st" : d % 10 === 2 && d !== 12 ? "nd" : d % 10 === 3 && d !== 13 ? "rd" : "th"}`;
const pad = (n: number) => String(n).padStart(2, "0");

/** Collects what a layout draws; `right` aligns text to a right edge with the font's real widths. */
class Sheet {
  drawn: Drawn[] = [];
  rulings: Ruling[] = [];
  constructor(private readonly font: PDFFont) {}
  text(page: number, x: number, y: number, text: string, size = 10) {
    this.drawn.push({ page, x, y, text, size });
  }
  right(page: number, edge: number, y: number, text: string, size = 10) {
    this.text(page, edge - this.font.widthOfTextAtSize(text, size), y, text, size);
  }
  rule(page: number, x0: number, y0: number, x1: number, y1: number) {
    this.rulings.push({ page, x0, y0, x1, y1 });
  }
}

interface Variant { n: number; rnd: () => number; day: number; month: number; year: number; lines: Array<[string, number, number]> }

function variant(layout: string, n: number): Variant {
  const rnd = random(n * 7919 + [...layout].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 0));
  const items = ["Toner cartridge", "Office chairs", "Consulting hours", "Network switch", "Paper A4 (box)", "Support plan", "Cables", "Desk lamp"];
  const lines = Array.from({ length: 3 + Math.floor(rnd() * 6) }, (): [string, number, number] =>
    [items[Math.floor(rnd() * items.length)], 1 + Math.floor(rnd() * 9), round2(5 + rnd() * 400)]);
  return { n, rnd, day: 1 + Math.floor(rnd() * 28), month: 1 + Math.floor(rnd() * 12), year: 2019 + Math.floor(rnd() * 7), lines };
}

const sumOf = (v: Variant) => round2(v.lines.reduce((t, [, qty, price]) => t + qty * price, 0));
const iso = (v: Variant) => `${v.year}-${pad(v.month)}-${pad(v.day)}`;

type Layout = (sheet: Sheet, v: Variant) => { pages: number; expected: Omit<Expected, "invoice_date"> };

/** US: header block on the right, line items, totals right-aligned under the table; MM/DD/YYYY, $1,234.50. */
const usRightAligned: Layout = (s, v) => {
  const number = `NW-${40000 + v.n * 37}`;
  s.text(0, 40, 60, "Northwind Supplies Inc.", 16);
  s.text(0, 40, 80, "1200 Harbor Blvd, Oakland, CA 94607");
  s.text(0, 420, 60, "INVOICE", 16);
  for (const [i, [label, value]] of [["Invoice #", number], ["Date", `${pad(v.month)}/${pad(v.day)}/${v.year}`], ["Terms", "Net 30"]].entries()) {
    s.text(0, 400, 90 + i * 15, label);
    s.right(0, 555, 90 + i * 15, value);
  }
  s.text(0, 40, 160, "Description");
  s.text(0, 330, 160, "Qty");
  s.right(0, 460, 160, "Unit Price");
  s.right(0, 555, 160, "Amount");
  v.lines.forEach(([name, qty, price], i) => {
    s.text(0, 40, 180 + i * 15, name);
    s.text(0, 330, 180 + i * 15, String(qty));
    s.right(0, 460, 180 + i * 15, `$${money(price, ",", ".")}`);
    s.right(0, 555, 180 + i * 15, `$${money(round2(qty * price), ",", ".")}`);
  });
  const subtotal = sumOf(v);
  const tax = round2(subtotal * 0.0825);
  const y = 200 + v.lines.length * 15;
  for (const [i, [label, value]] of ([["Subtotal", subtotal], ["Sales Tax (8.25%)", tax], ["Total Due", round2(subtotal + tax)]] as const).entries()) {
    s.text(0, 380, y + i * 16, label);
    s.right(0, 555, y + i * 16, `$${money(value, ",", ".")}`);
  }
  return { pages: 1, expected: { vendor: "Northwind", invoice_number: number, subtotal, tax, total: round2(subtotal + tax) } };
};

/** German: two-column header block drawn column by column (all labels, then all values); 7. Mai 2024; 1.234,50 €. */
const deTwoColumn: Layout = (s, v) => {
  const number = `R-${v.year}-${pad(v.n)}17`;
  s.text(0, 40, 60, "Müller Bürotechnik GmbH", 16);
  s.text(0, 40, 80, "Hauptstraße 12, 10115 Berlin");
  s.text(0, 40, 120, "Rechnung an:");
  s.text(0, 40, 135, "Schmidt & Partner KG");
  const header: Array<[string, string]> = [["Rechnungsnummer", number], ["Rechnungsdatum", `${v.day}. ${MONTHS.de[v.month - 1]} ${v.year}`], ["Kundennummer", String(10200 + v.n)]];
  header.forEach(([label], i) => s.text(0, 330, 120 + i * 15, label));
  header.forEach(([, value], i) => s.text(0, 450, 120 + i * 15, value));
  v.lines.forEach(([name, qty, price], i) => {
    s.text(0, 40, 200 + i * 15, `${qty} x ${name}`);
    s.right(0, 555, 200 + i * 15, `${money(round2(qty * price), ".", ",")} €`);
  });
  const subtotal = sumOf(v);
  const tax = round2(subtotal * 0.19);
  const y = 220 + v.lines.length * 15;
  for (const [i, [label, value]] of ([["Nettobetrag", subtotal], ["MwSt. 19 %", tax], ["Gesamtbetrag", round2(subtotal + tax)]] as const).entries()) {
    s.text(0, 350, y + i * 16, label);
    s.right(0, 555, y + i * 16, `${money(value, ".", ",")} €`);
  }
  return { pages: 1, expected: { vendor: "Müller", invoice_number: number, subtotal, tax, total: round2(subtotal + tax) } };
};

/** French: each header value drawn before its label (as some generators do); 02 juillet 2024; 1 234,50 € (NBSP groups). */
const frValueFirst: Layout = (s, v) => {
  const number = `F-${v.year}-${String(40 + v.n).padStart(4, "0")}`;
  s.text(0, 40, 60, "Atelier Lumière SARL", 16);
  s.text(0, 40, 80, "8 rue des Lilas, 69003 Lyon");
  for (const [i, [label, value]] of [["Facture N°", number], ["Date", `${pad(v.day)} ${MONTHS.fr[v.month - 1]} ${v.year}`]].entries()) {
    s.text(0, 420, 110 + i * 15, value);
    s.text(0, 340, 110 + i * 15, label);
  }
  v.lines.forEach(([name, qty, price], i) => {
    s.text(0, 40, 180 + i * 15, name);
    s.right(0, 400, 180 + i * 15, String(qty));
    s.right(0, 555, 180 + i * 15, `${money(round2(qty * price), "\u00a0", ",")} €`);
  });
  const subtotal = sumOf(v);
  const tax = round2(subtotal * 0.2);
  const y = 200 + v.lines.length * 15;
  for (const [i, [label, value]] of ([["Total HT", subtotal], ["TVA 20 %", tax], ["Total TTC", round2(subtotal + tax)]] as const).entries()) {
    s.right(0, 555, y + i * 16, `${money(value, "\u00a0", ",")} €`);
    s.text(0, 360, y + i * 16, label);
  }
  return { pages: 1, expected: { vendor: "Atelier Lumière", invoice_number: number, subtotal, tax, total: round2(subtotal + tax) } };
};

/** Dutch: a ruled header table (labels in one row, values in the row below) and a ruled totals table; 29 maart 2024; € 1.234,50. */
const nlRuledTable: Layout = (s, v) => {
  const number = `F${v.year}-${100 + v.n * 3}`;
  s.text(0, 40, 60, "Bakkerij De Vries B.V.", 16);
  s.text(0, 40, 80, "Kerkstraat 4, 3511 Utrecht");
  const columns = [40, 200, 360, 555];
  for (const y of [110, 128, 146]) s.rule(0, 40, y, 555, y);
  for (const x of columns) s.rule(0, x, 110, x, 146);
  const cells: Array<[string, string]> = [["Factuurnummer", number], ["Factuurdatum", `${v.day} ${MONTHS.nl[v.month - 1]} ${v.year}`], ["Klantnummer", `K-${550 + v.n}`]];
  cells.forEach(([label], i) => s.text(0, columns[i] + 5, 123, label));
  cells.forEach(([, value], i) => s.text(0, columns[i] + 5, 141, value));
  v.lines.forEach(([name, qty, price], i) => {
    s.text(0, 45, 180 + i * 15, name);
    s.right(0, 550, 180 + i * 15, `€ ${money(round2(qty * price), ".", ",")}`);
  });
  const subtotal = sumOf(v);
  const tax = round2(subtotal * 0.21);
  const y = 200 + v.lines.length * 15;
  ([["Subtotaal", subtotal], ["BTW 21%", tax], ["Totaal", round2(subtotal + tax)]] as const).forEach(([label, value], i) => {
    s.rule(0, 330, y + i * 18, 555, y + i * 18);
    s.text(0, 335, y + 13 + i * 18, label);
    s.right(0, 550, y + 13 + i * 18, `€ ${money(value, ".", ",")}`);
  });
  s.rule(0, 330, y + 54, 555, y + 54);
  return { pages: 1, expected: { vendor: "De Vries", invoice_number: number, subtotal, tax, total: round2(subtotal + tax) } };
};

/** UK: line items over several pages, each but the last ending "Subtotal carried forward"; totals only on the last page. */
const ukMultiPage: Layout = (s, v) => {
  const number = `BWL-${55000 + v.n * 11}`;
  const pages = 2 + (v.n % 2);
  const perPage = 12;
  const lines = Array.from({ length: pages * perPage - 4 }, (_, i) => v.lines[i % v.lines.length]);
  let running = 0;
  for (let page = 0; page < pages; page++) {
    s.text(page, 40, 50, "Brightwater Logistics Ltd", 14);
    s.right(page, 555, 50, `Page ${page + 1} of ${pages}`);
    if (page === 0) {
      s.text(0, 40, 80, `Invoice Number: ${number}`);
      s.text(0, 40, 95, `Invoice Date: ${ordinal(v.day)} ${MONTHS.en[v.month - 1]} ${v.year}`);
    }
    lines.slice(page * perPage, (page + 1) * perPage).forEach(([name, qty, price], i) => {
      running = round2(running + round2(qty * price));
      s.text(page, 40, 130 + i * 15, `${name} (${qty} @ £${money(price, ",", ".")})`);
      s.right(page, 555, 130 + i * 15, `£${money(round2(qty * price), ",", ".")}`);
    });
    if (page < pages - 1) {
      s.text(page, 330, 330, "Subtotal carried forward");
      s.right(page, 555, 330, `£${money(running, ",", ".")}`);
    }
  }
  const subtotal = running;
  const tax = round2(subtotal * 0.2);
  const last = pages - 1;
  ([["Subtotal", subtotal], ["VAT 20%", tax], ["Total", round2(subtotal + tax)]] as const).forEach(([label, value], i) => {
    s.text(last, 380, 360 + i * 16, label);
    s.right(last, 555, 360 + i * 16, `£${money(value, ",", ".")}`);
  });
  return { pages, expected: { vendor: "Brightwater", invoice_number: number, subtotal, tax, total: round2(subtotal + tax) } };
};

/** Swiss: amounts printed left of their labels, apostrophe thousands, DD.MM.YYYY; a credit note's amounts are negative with a trailing minus. */
const chValueLeft: Layout = (s, v) => {
  const credit = v.n % 3 === 2;
  const number = `${v.year}-${String(300 + v.n).padStart(5, "0")}`;
  s.text(0, 40, 60, "Alpenglühen AG", 16);
  s.text(0, 40, 80, "Bahnhofstrasse 9, 8001 Zürich");
  s.text(0, 40, 110, `${credit ? "Gutschrift" : "Rechnung"} Nr. ${number}`);
  s.text(0, 40, 125, `Datum ${pad(v.day)}.${pad(v.month)}.${v.year}`);
  v.lines.forEach(([name, qty, price], i) => {
    s.text(0, 40, 170 + i * 15, `${qty} ${name}`);
    s.right(0, 555, 170 + i * 15, money(round2(qty * price), "'", "."));
  });
  const sign = credit ? -1 : 1;
  const subtotal = round2(sign * sumOf(v));
  const tax = round2(subtotal * 0.081);
  const y = 190 + v.lines.length * 15;
  ([["Zwischensumme", subtotal], ["MWST 8.1%", tax], ["Total", round2(subtotal + tax)]] as const).forEach(([label, value], i) => {
    s.right(0, 380, y + i * 16, `CHF ${money(Math.abs(value), "'", ".")}${value < 0 ? "-" : ""}`);
    s.text(0, 400, y + i * 16, label);
  });
  return { pages: 1, expected: { vendor: "Alpenglühen", invoice_number: number, subtotal, tax, total: round2(subtotal + tax) } };
};

const LAYOUTS: Record<string, Layout> = {
  "us-right-aligned": usRightAligned, "de-two-column": deTwoColumn, "fr-value-first": frValueFirst,
  "nl-ruled-table": nlRuledTable, "uk-multi-page": ukMultiPage, "ch-value-left": chValueLeft,
};

/** Six invoices per layout (36 in all), each with the values a reader of the page would write down. */
export async function invoiceFixtures(perLayout = 6): Promise<Invoice[]> {
  const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
  const invoices: Invoice[] = [];
  for (const [layout, draw] of Object.entries(LAYOUTS)) {
    for (let n = 0; n < perLayout; n++) {
      const sheet = new Sheet(font);
      const v = variant(layout, n);
      const { pages, expected } = draw(sheet, v);
      invoices.push({ id: `${layout}-${n}`, layout, pages, drawn: sheet.drawn, rulings: sheet.rulings, expected: { ...expected, invoice_date: iso(v) } });
    }
  }
  return invoices;
}

/** The PDF, drawn in the order the layout lists (content-stream order), y measured from the top. */
export async function drawPdf(invoice: Invoice): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const pages = Array.from({ length: invoice.pages }, () => pdf.addPage([PAGE.width, PAGE.height]));
  for (const r of invoice.rulings) {
    pages[r.page].drawLine({ start: { x: r.x0, y: PAGE.height - r.y0 }, end: { x: r.x1, y: PAGE.height - r.y1 }, thickness: 0.5 });
  }
  for (const d of invoice.drawn) pages[d.page].drawText(d.text, { x: d.x, y: PAGE.height - d.y, size: d.size, font });
  return pdf.save();
}

/** The page text as `pdftotext -layout` prints it: a row per baseline, left to right, a column per 5 points. */
export function layoutText(invoice: Invoice): string[] {
  return Array.from({ length: invoice.pages }, (_, page) => {
    const rows = new Map<number, Drawn[]>();
    for (const d of invoice.drawn.filter((item) => item.page === page)) rows.set(d.y, [...(rows.get(d.y) ?? []), d]);
    return [...rows.entries()].sort(([a], [b]) => a - b).map(([, items]) => {
      let line = "";
      for (const item of items.sort((a, b) => a.x - b.x)) {
        const column = Math.round(item.x / 5);
        line = line.length === 0 ? " ".repeat(column) : line + " ".repeat(Math.max(1, column - line.length));
        line += item.text;
      }
      return line.trimEnd();
    }).join("\n");
  });
}
