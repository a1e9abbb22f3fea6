import { describe, expect, it } from "vitest";
import { spanBox, WORD_STRIDE, type ParsedDocument } from "../../src/documents/model";
import { runExtractor } from "../../src/documents/extractors";
import { parsePageRange } from "../../src/documents/page-range";
import { parseBytes } from "../../src/documents/parse";
import { layoutPage } from "../../src/documents/parse/layout";
import { drawPdf, textWidth, type Drawn, type DrawnPage } from "../support/pdf-layouts";

const parse = async (pages: DrawnPage[]) =>
  (await parseBytes(await drawPdf(pages), { pageRange: null, maxPages: 10, filename: "a.pdf" })) as Omit<ParsedDocument, "content_hash">;
const onePage = async (items: Drawn[]) => (await parse([{ items }])).pages[0];
const lines = (text: string) => text.split("\n");
/** The words of a page as [text, box]. */
const wordsOf = (doc: Omit<ParsedDocument, "content_hash">, page = 0) => {
  const flat = doc.words![page];
  const out: Array<[string, number[]]> = [];
  for (let i = 0; i < flat.length; i += WORD_STRIDE) out.push([doc.pages[page].slice(flat[i], flat[i + 1]), flat.slice(i + 2, i + 6)]);
  return out;
};

describe("layout text: one visual row is one line, whatever the content-stream order", () => {
  it("reads a label drawn after its value, and a value left of a label, in page order (NL bank block)", async () => {
    const text = await onePage([
      { text: "NL50INGB0683251309", x: 110, y: 700 },
      { text: "INGBNL2A", x: 330, y: 700 },
      { text: "IBAN", x: 50, y: 700, bold: true },
      { text: "BIC", x: 280, y: 700, bold: true },
    ]);
    expect(text).toMatch(/^IBAN {2,}NL50INGB0683251309 {2,}BIC {2,}INGBNL2A$/m);
  });

  it("keeps a table row on one line when the producer draws the table column by column", async () => {
    const rows = [["R1234", "Cash at Hotel", "2", "150,00"], ["K77", "Minibar", "1", "12,50"], ["X9", "Stadtsteuer", "2", "6,00"]];
    const columns = [50, 130, 380, 545];
    const items: Drawn[] = [];
    columns.forEach((x, c) => rows.forEach((row, r) => items.push({ text: row[c], x, y: 600 - r * 16, right: c >= 2 })));
    const text = await onePage(items);
    expect(/([A-Z0-9]+)\s+Cash at Hotel/.exec(text)?.[1]).toBe("R1234");
    for (const row of rows) expect(text).toMatch(new RegExp(`^${row.join(" {2,}")}$`, "m"));
    expect(lines(text)).toHaveLength(3);
  });

  it("rows stay top to bottom when drawn bottom-up", async () => {
    const text = await onePage(["Facture n° 2024-118", "Date : 02 Juillet 2015", "Montant TTC : 1 234,50 €"].map((t, i) => ({ text: t, x: 60, y: 500 + i * 40 })).reverse());
    expect(lines(text).filter((l) => l.trim())).toEqual(["Facture n° 2024-118", "Date : 02 Juillet 2015", "Montant TTC : 1 234,50 €"].reverse());
  });

  it("joins a word its producer split into touching pieces, and never glues pieces that have a gap", async () => {
    const split = await textWidth("Rechnungs", 11);
    const text = await onePage([
      { text: "Rechnungs", x: 50, y: 700, size: 11 },
      { text: "nummer", x: 50 + split, y: 700, size: 11, bold: true },
      { text: "RE-2014-0042", x: 200, y: 700, size: 11 },
    ]);
    expect(text).toMatch(/^Rechnungsnummer {2,}RE-2014-0042$/);
  });
});

describe("layout text: horizontal gaps become proportional runs of spaces", () => {
  it("keeps the run of spaces between a label and its right-aligned value, and aligns the labels", async () => {
    const totals: Array<[string, string]> = [["Subtotal", "262.90"], ["VAT 21%", "55.21"], ["Total due", "1,318.11"]];
    const text = await onePage(totals.flatMap(([label, value], i) => [
      { text: value, x: 545, y: 300 - i * 15, right: true },
      { text: label, x: 380, y: 300 - i * 15 },
    ]).concat([{ text: "Thank you for your business.", x: 50, y: 300 }]));
    expect(text).toMatch(/Subtotal\s{10,40}262\.90/);
    const rows = lines(text);
    expect(rows.map((l) => l.search(/Subtotal|VAT|Total/))).toEqual([rows[0].indexOf("Subtotal"), rows[0].indexOf("Subtotal"), rows[0].indexOf("Subtotal")]);
    expect(rows[0].indexOf("Subtotal") - rows[0].indexOf("business.") - "business.".length).toBeGreaterThan(5);
  });

  it("spaces grow with the gap", async () => {
    const text = await onePage([20, 60, 120].flatMap((gap, i) => [
      { text: "Amount", x: 50, y: 700 - i * 20 },
      { text: "10.00", x: 50 + 35 + gap, y: 700 - i * 20 },
    ]));
    const runs = lines(text).map((l) => / +/.exec(l)![0].length);
    expect(runs[0]).toBeLessThan(runs[1]);
    expect(runs[1]).toBeLessThan(runs[2]);
  });

  it("never glues a number to the label that follows it (5Total)", async () => {
    const text = await onePage([
      { text: "Widget, blue", x: 50, y: 500 }, { text: "5", x: 400, y: 500, right: true }, { text: "49.95", x: 545, y: 500, right: true },
      { text: "Total", x: 402, y: 480, bold: true }, { text: "49.95", x: 545, y: 480, right: true, bold: true },
      { text: "Qty", x: 50, y: 460 }, { text: "5", x: 75, y: 460 }, { text: "Total", x: 90, y: 460 },
      { text: "15", x: 50, y: 440 }, { text: "Total", x: 58, y: 440 }, // overlapping pieces are different texts
    ]);
    expect(text).toMatch(/^15 Total$/m);
    expect(text).not.toMatch(/5Total/);
    expect(text).toMatch(/^Qty +5 +Total$/m);
    expect(text).toMatch(/^Widget, blue {2,}5 {2,}49\.95$/m);
  });
});

describe("layout text: multi-column pages and rotated text", () => {
  it("keeps two columns side by side on each row, the second column aligned", async () => {
    const left = ["Rechnungsadresse", "Muster GmbH", "Hauptstraße 5", "10115 Berlin"];
    const right = ["Lieferadresse", "Lager Nord", "Industrieweg 12a", "20095 Hamburg"];
    const text = await onePage([...right.map((t, i) => ({ text: t, x: 320, y: 720 - i * 13 })), ...left.map((t, i) => ({ text: t, x: 50, y: 720 - i * 13 }))]);
    const rows = lines(text);
    rows.forEach((row, i) => expect(row).toMatch(new RegExp(`^${left[i]} {2,}${right[i]}$`)));
    expect(new Set(rows.map((row, i) => row.indexOf(right[i]))).size).toBe(1);
  });

  it("puts text rotated on the page after the horizontal text, readable in its own direction", async () => {
    const doc = await parse([{ items: [
      { text: "Factuurnummer: 2014-77", x: 60, y: 700 }, { text: "Datum: 29 maart 2014", x: 60, y: 685 },
      { text: "KvK 12345678 BTW", x: 25, y: 200, size: 7, rotate: 90 }, { text: "NL001234567B01", x: 25, y: 270, size: 7, rotate: 90 },
    ] }]);
    expect(doc.pages[0]).toMatch(/^Factuurnummer: 2014-77\nDatum: 29 maart 2014\n\nKvK 12345678 BTW +NL001234567B01$/);
    const kvk = wordsOf(doc).find(([w]) => w === "KvK")![1];
    expect(kvk[2] - kvk[0]).toBeLessThan(kvk[3] - kvk[1]); // a vertical word is taller than wide
    expect(kvk[1]).toBeGreaterThan(842 - 230);
  });

  it("reads a page with /Rotate as displayed, with boxes on the displayed page", async () => {
    const doc = await parse([{ rotate: 90, items: [{ text: "Invoice", x: 40, y: 40, rotate: 90 }, { text: "2024-01", x: 40, y: 120, rotate: 90 }] }]);
    expect(doc.pages[0]).toMatch(/^Invoice +2024-01$/);
    for (const [, [x0, y0, x1, y1]] of wordsOf(doc)) {
      expect(x0).toBeGreaterThanOrEqual(0);
      expect(x1).toBeLessThanOrEqual(842);
      expect(y0).toBeGreaterThanOrEqual(0);
      expect(y1).toBeLessThanOrEqual(595);
    }
  });
});

describe("layout text: hostile geometry", () => {
  it("text placed far off the page costs a bounded run of spaces, not megabytes", async () => {
    const piece = { y: 100, angle: 0, width: 25, size: 10 };
    const { text } = layoutPage([{ ...piece, text: "Total", x: 50 }, { ...piece, text: "hidden", x: 5_000_000 }]);
    expect(text).toMatch(/^Total +hidden$/);
    expect(text.length).toBeLessThan(1000);
  });

  it("lays out 200,000 words on one line (more than a spread call takes) without a RangeError", () => {
    const pieces = Array.from({ length: 200_000 }, (_, i) => ({ text: "w", x: i * 8, y: 100, angle: 0, width: 5, size: 10 }));
    const { text } = layoutPage(pieces);
    expect(text.split("\n")).toHaveLength(1);
    expect(text.match(/w/g)).toHaveLength(200_000);
  });
});

describe("word boxes", () => {
  it("gives each word its span in the page text and its box in points from the top-left", async () => {
    const doc = await parse([{ items: [{ text: "Total:", x: 400, y: 100, size: 12 }, { text: "1.234,50 EUR", x: 450, y: 100, size: 12 }] }]);
    const words = wordsOf(doc);
    expect(words.map(([w]) => w)).toEqual(["Total:", "1.234,50", "EUR"]);
    const [, total] = words[0];
    expect(total[0]).toBeCloseTo(400, 0);
    expect(total[3]).toBeCloseTo(842 - 100 + 0.2 * 12, 0);
    expect(total[1]).toBeLessThan(total[3]);
    const [, amount] = words[1];
    const [, eur] = words[2];
    expect(amount[0]).toBeCloseTo(450, 0);
    expect(amount[2]).toBeLessThan(eur[0]);
    expect(eur[2]).toBeCloseTo(450 + (await textWidth("1.234,50 EUR", 12)), 0);
  });

  it("a span's box is the union of the words it covers", async () => {
    const doc = await parse([{ items: [{ text: "Betrag", x: 50, y: 400 }, { text: "1.234,50", x: 300, y: 400 }, { text: "EUR", x: 360, y: 403 }] }]);
    const text = doc.pages[0];
    const start = text.indexOf("1.234,50");
    const box = spanBox(doc.words![0], start, text.indexOf("EUR") + 3)!;
    const byWord = Object.fromEntries(wordsOf(doc));
    expect(box).toEqual([byWord["1.234,50"][0], byWord.EUR[1], byWord.EUR[2], byWord["1.234,50"][3]]);
    expect(spanBox(doc.words![0], start + 2, start + 3)).toEqual(byWord["1.234,50"]);
    expect(spanBox(doc.words![0], text.indexOf("Betrag") + 6, start)).toBeNull();
  });
});

describe("provenance with boxes: every candidate found in a PDF carries the box of its span", () => {
  const invoice: DrawnPage[] = [
    { items: [{ text: "Cover letter", x: 50, y: 780 }] },
    { items: [{ text: "1.318,11", x: 545, y: 200, right: true }, { text: "Gesamtbetrag", x: 380, y: 200 }, { text: "Rechnungsnummer: RE-77", x: 50, y: 700 }] },
  ];

  it("label and regex candidates, with the page numbered as in the source under a page_range", async () => {
    const doc = { ...(await parseBytes(await drawPdf(invoice), { pageRange: parsePageRange("1") as never, maxPages: 10 })), content_hash: "h" };
    const [label] = runExtractor({ type: "label", labels: ["Gesamtbetrag"] }, doc, "number");
    const [regex] = runExtractor({ type: "regex", pattern: "Rechnungsnummer:\\s*(\\S+)" }, doc, "string");
    const byWord = Object.fromEntries(wordsOf(doc));
    expect(label.provenance).toMatchObject({ page: 1, bbox: byWord["1.318,11"] });
    expect(label.provenance.bbox![2]).toBeCloseTo(545, 0);
    expect(regex.provenance).toMatchObject({ page: 1, bbox: byWord["RE-77"] });
  });

  it("text inputs keep provenance without a box", async () => {
    const doc: ParsedDocument = { mime_type: "text/plain", filename: null, pages: ["Total: 5"], tables: [], content_hash: "h" };
    const [candidate] = runExtractor({ type: "label", labels: ["Total"] }, doc, "number");
    expect(candidate.provenance).toEqual({ extractor: "label", page: 0, start: 7, end: 8 });
  });
});
