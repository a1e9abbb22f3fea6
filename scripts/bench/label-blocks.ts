/**
 * Header blocks as invoices print them, drawn with pdf-lib at coordinates, with the value each label
 * must read: labels and values side by side in two and three columns (`Label: value   Label: value`),
 * values below a row of labels, values right-aligned in their column; gaps between columns from 25 pt
 * up; German, French, Dutch and English (US and UK dates). And dates in every convention a document
 * prints, each with the evidence (or none) the same document holds. Generated in code: no binaries.
 */
import { PDFDocument, StandardFonts, type PDFFont } from "pdf-lib";

export type LabelType = "string" | "date" | "integer";
export interface LabelField { name: string; labels: string[]; type: LabelType; expected: string | number; resolve?: Record<string, unknown> }
interface Placed { text: string; x: number; y: number; bold?: boolean }
export interface LabelFixture { id: string; layout: string; language: string; size: [number, number]; drawn: Placed[]; fields: LabelField[] }

interface Language { code: string; labels: string[]; values: string[]; expected: Array<string | number> }

/** Six fields per language: number, date, customer number, due date, customer, reference (types below). */
const TYPES: LabelType[] = ["string", "date", "integer", "date", "string", "string"];
const NAMES = ["number", "issued", "customer_no", "due", "customer", "reference"];
const LANGUAGES: Language[] = [
  { code: "de", labels: ["Rechnungsnummer", "Rechnungsdatum", "Kundennummer", "Fälligkeitsdatum", "Kunde", "Referenz"],
    values: ["RE-2024-0117", "03.04.2024", "10234", "02.05.2024", "Müller & Söhne GmbH", "Projekt Nord 7"],
    expected: ["RE-2024-0117", "2024-04-03", 10234, "2024-05-02", "Müller & Söhne GmbH", "Projekt Nord 7"] },
  { code: "fr", labels: ["N° de facture", "Date de facture", "N° client", "Échéance", "Client", "Référence"],
    values: ["F-88412", "03/04/2024", "5521", "02/05/2024", "Boulangerie du Port SARL", "Commande 44 B"],
    expected: ["F-88412", "2024-04-03", 5521, "2024-05-02", "Boulangerie du Port SARL", "Commande 44 B"] },
  { code: "nl", labels: ["Factuurnummer", "Factuurdatum", "Klantnummer", "Vervaldatum", "Klant", "Referentie"],
    values: ["2024/0193", "03-04-2024", "77310", "02-05-2024", "Bakkerij De Molen BV", "Order 12572103"],
    expected: ["2024/0193", "2024-04-03", 77310, "2024-05-02", "Bakkerij De Molen BV", "Order 12572103"] },
  { code: "en-US", labels: ["Invoice No", "Invoice Date", "Customer No", "Due Date", "Bill To", "PO Number"],
    values: ["INV-3", "04/03/2024", "88120", "05/18/2024", "Blue Ridge Outfitters LLC", "PO 4471 A"],
    expected: ["INV-3", "2024-04-03", 88120, "2024-05-18", "Blue Ridge Outfitters LLC", "PO 4471 A"] },
  { code: "en-GB", labels: ["Invoice No", "Invoice Date", "Account No", "Due Date", "Customer", "Your Ref"],
    values: ["GB-20931", "03/04/2024", "40417", "18/05/2024", "Harbour View Hotels Ltd", "Spring Menu 2"],
    expected: ["GB-20931", "2024-04-03", 40417, "2024-05-18", "Harbour View Hotels Ltd", "Spring Menu 2"] },
];

export const LABEL_LAYOUTS = ["inline-2col", "inline-3col", "below", "below-centred", "right-aligned", "aligned-no-colon"] as const;
const SIZE = 10;
const LINE = 16;

interface Fonts { regular: PDFFont; bold: PDFFont }
const width = (fonts: Fonts, text: string, bold = false) => (bold ? fonts.bold : fonts.regular).widthOfTextAtSize(text, SIZE);

/** `Label: value` pairs, `columns` per row, each column starting `gap` after the widest pair of the column before. */
function inline(fonts: Fonts, language: Language, columns: number, gap: number, top: number): Placed[] {
  const pairs = language.labels.map((label, i) => `${label}: ${language.values[i]}`);
  const placed: Placed[] = [];
  let x = 40;
  for (let c = 0; c < columns; c++) {
    const mine = pairs.filter((_, i) => i % columns === c);
    mine.forEach((text, r) => placed.push({ text, x, y: top - r * LINE }));
    x += Math.max(...mine.map((t) => width(fonts, t))) + gap;
  }
  return placed;
}

/** Rows of three labels (bold; no colon, or one when `centred`), each value on the line below: left-aligned, or centred under it. */
function below(fonts: Fonts, language: Language, gap: number, top: number, centred = false): Placed[] {
  const placed: Placed[] = [];
  for (let row = 0; row < 2; row++) {
    let x = 40;
    for (let c = 0; c < 3; c++) {
      const i = row * 3 + c;
      const y = top - row * 3 * LINE;
      const label = centred ? `${language.labels[i]}:` : language.labels[i];
      const wide = Math.max(width(fonts, label, true), width(fonts, language.values[i]));
      const at = (text: string, bold = false) => (centred ? x + (wide - width(fonts, text, bold)) / 2 : x);
      placed.push({ text: label, x: at(label, true), y, bold: true }, { text: language.values[i], x: at(language.values[i]), y: y - LINE });
      x += wide + gap;
    }
  }
  return placed;
}

/** Two columns of labels without a colon, each value left-aligned at a tab stop after the longest label of its column. */
function alignedNoColon(fonts: Fonts, language: Language, gap: number, top: number): Placed[] {
  const placed: Placed[] = [];
  let x = 40;
  for (let c = 0; c < 2; c++) {
    const mine = language.labels.map((l, i) => i).filter((i) => i % 2 === c);
    const tab = x + Math.max(...mine.map((i) => width(fonts, language.labels[i]))) + 20;
    mine.forEach((i, r) => placed.push({ text: language.labels[i], x, y: top - r * LINE }, { text: language.values[i], x: tab, y: top - r * LINE }));
    x = tab + Math.max(...mine.map((i) => width(fonts, language.values[i]))) + gap;
  }
  return placed;
}

/** Two columns of `Label:` on the left and the value right-aligned at the column's right edge. */
function rightAligned(fonts: Fonts, language: Language, gap: number, top: number): Placed[] {
  const columnWidth = Math.max(...language.labels.map((l, i) => width(fonts, `${l}:`) + width(fonts, language.values[i]))) + 30;
  const placed: Placed[] = [];
  language.labels.forEach((label, i) => {
    const left = 40 + (i % 2) * (columnWidth + gap);
    const y = top - Math.floor(i / 2) * LINE;
    const value = language.values[i];
    placed.push({ text: `${label}:`, x: left, y }, { text: value, x: left + columnWidth - width(fonts, value), y });
  });
  return placed;
}

async function fonts(): Promise<Fonts> {
  const pdf = await PDFDocument.create();
  return { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
}

/** Every language × layout × gap, with a letterhead above and a line of prose below the block. */
export async function labelFixtures(gaps: number[] = [25, 40, 70]): Promise<LabelFixture[]> {
  const f = await fonts();
  const fixtures: LabelFixture[] = [];
  for (const language of LANGUAGES) {
    for (const layout of LABEL_LAYOUTS) {
      for (const gap of gaps) {
        const top = 700;
        const block = layout === "inline-2col" ? inline(f, language, 2, gap, top) : layout === "inline-3col" ? inline(f, language, 3, gap, top)
          : layout === "below" ? below(f, language, gap, top) : layout === "below-centred" ? below(f, language, gap, top, true)
            : layout === "aligned-no-colon" ? alignedNoColon(f, language, gap, top) : rightAligned(f, language, gap, top);
        const right = Math.max(...block.map((p) => p.x + width(f, p.text, p.bold)));
        const drawn = [{ text: "Northwind Trading", x: 40, y: 780, bold: true }, ...block, { text: "Thank you for your order.", x: 40, y: 560 }];
        const fields = language.labels.map((label, i): LabelField =>
          ({ name: NAMES[i], labels: [label], type: TYPES[i], expected: language.expected[i] }));
        fixtures.push({ id: `${language.code}-${layout}-${gap}`, layout, language: language.code, size: [Math.max(595, right + 40), 842], drawn, fields });
      }
    }
  }
  return fixtures;
}

/**
 * One invoice date per document, in every convention, next to what else the document prints: the
 * reading that is right, or `null` where nothing in the document decides (it must be held).
 */
export const DATE_CASES: Array<{ id: string; lines: string[]; date: string | null; resolve?: Record<string, unknown> }> = [
  { id: "iso", lines: ["Invoice Date: 2024-04-03"], date: "2024-04-03" },
  { id: "dotted", lines: ["Invoice Date: 03.04.2024", "Thank you"], date: "2024-04-03" },
  { id: "dotted two-digit year", lines: ["Invoice Date: 03.04.24"], date: "2024-04-03" },
  { id: "dotted German", lines: ["Rechnung", "Invoice Date: 3.4.2024", "Betrag: 12,00"], date: "2024-04-03" },
  { id: "slash, a later day-first date", lines: ["Invoice Date: 03/04/2024", "Due Date: 25/04/2024"], date: "2024-04-03" },
  { id: "slash, a later month-first date", lines: ["Invoice Date: 03/04/2024", "Due Date: 04/25/2024"], date: "2024-03-04" },
  { id: "slash, nothing decides", lines: ["Invoice Date: 03/04/2024", "Due Date: 02/05/2024"], date: null },
  { id: "slash, dates both ways", lines: ["Invoice Date: 03/04/2024", "Due Date: 25/04/2024", "Shipped: 04/26/2024"], date: null },
  { id: "slash, German labels", lines: ["Rechnung", "Invoice Date: 03/04/2024", "Kundennummer: 4471", "Gesamtbetrag: 12,00"], date: "2024-04-03" },
  { id: "slash, French month name", lines: ["Invoice Date: 03/04/2024", "Livré le 5 avril 2024"], date: "2024-04-03" },
  { id: "slash, US month name", lines: ["Invoice Date: 03/04/2024", "Ships March 6, 2024"], date: "2024-03-04" },
  { id: "slash, UK month name", lines: ["Invoice Date: 03/04/2024", "Delivered 6 April 2024"], date: "2024-04-03" },
  { id: "dash, Dutch labels", lines: ["Factuur", "Invoice Date: 03-04-2024", "Factuurnummer: 77", "Vervaldatum: 02-05-2024"], date: "2024-04-03" },
  { id: "slash, two-digit year, day-first date", lines: ["Invoice Date: 03/04/24", "Due Date: 28/04/24"], date: "2024-04-03" },
  { id: "slash, unambiguous", lines: ["Invoice Date: 13/04/2024"], date: "2024-04-13" },
  { id: "slash, same both ways", lines: ["Invoice Date: 04/04/2024"], date: "2024-04-04" },
  { id: "named, day first", lines: ["Invoice Date: 3 April 2024"], date: "2024-04-03" },
  { id: "named, month first", lines: ["Invoice Date: April 3, 2024"], date: "2024-04-03" },
  { id: "named, German", lines: ["Invoice Date: 3. April 2024"], date: "2024-04-03" },
  { id: "named, French", lines: ["Invoice Date: 3 avril 2024"], date: "2024-04-03" },
  { id: "slash, definition says day_first", lines: ["Invoice Date: 03/04/2024"], date: "2024-04-03", resolve: { day_first: true } },
  { id: "slash, definition says month first", lines: ["Invoice Date: 03/04/2024", "Due Date: 25/04/2024"], date: "2024-03-04", resolve: { day_first: false } },
  { id: "slash, definition gives formats", lines: ["Invoice Date: 03/04/2024"], date: "2024-04-03", resolve: { formats: ["DD/MM/YYYY"] } },
];

/** The PDF of a fixture, drawn item by item. */
export async function drawLabelPdf(fixture: { size: [number, number]; drawn: Placed[] }): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const f = { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
  const page = pdf.addPage(fixture.size);
  for (const p of fixture.drawn) page.drawText(p.text, { x: p.x, y: p.y, size: SIZE, font: p.bold ? f.bold : f.regular });
  return pdf.save();
}

/** A date case as a one-page PDF: its lines top to bottom at the left margin. */
export const dateCasePage = (lines: string[]) =>
  ({ size: [595, 842] as [number, number], drawn: lines.map((text, i) => ({ text, x: 50, y: 780 - i * 18 })) });
