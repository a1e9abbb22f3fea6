/**
 * Tables drawn with pdf-lib at coordinates, the truth kept: each case is a PDF, the `table`
 * extractor a user writes from the README (column names as printed, no positions) and the items
 * that extractor must yield. Contents come from a seeded generator, so no case is one fixed text.
 */
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";

export interface TableCase {
  name: string;
  pdf: Uint8Array;
  extractor: Record<string, unknown>;
  /** The items expected, as `{column: value}`. */
  truth: Array<Record<string, string>>;
}

type Rng = () => number;
export const seeded = (seed: number): Rng => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(rng: Rng, list: T[]) => list[Math.floor(rng() * list.length)];
const int = (rng: Rng, from: number, to: number) => from + Math.floor(rng() * (to - from + 1));

const WORDS = ["steel", "bracket", "valve", "copper", "pipe", "elbow", "gasket", "sealing", "flange", "brass", "washer", "hinge", "cable", "conduit", "clamp", "anchor", "bolt", "timber", "panel", "insulation"];
const TOWNS = ["Ashford", "Bexley", "Corby", "Dover", "Ely", "Frome", "Goole", "Hythe", "Ilkley", "Jarrow", "Kendal", "Leek", "Marlow", "Newark", "Oakham", "Penrith"];
const REGIONS = ["North East", "South West", "Midlands", "East Anglia", "Wessex"];
const words = (rng: Rng, n: number) => Array.from({ length: n }, () => pick(rng, WORDS)).join(" ");
const capital = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Amounts as a country writes them: en `12,345.67`, de `12.345,67`, fr `12 345,67`. */
export function money(n: number, style: "en" | "de" | "fr"): string {
  const [whole, cents] = n.toFixed(2).split(".");
  const sep = { en: ",", de: ".", fr: " " }[style];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  return style === "en" ? `${grouped}.${cents}` : `${grouped},${cents}`;
}

class Sheet {
  page: PDFPage;
  constructor(readonly pdf: PDFDocument, readonly fonts: { regular: PDFFont; bold: PDFFont }) {
    this.page = pdf.addPage([595, 842]);
  }
  newPage() {
    this.page = this.pdf.addPage([595, 842]);
  }
  width = (text: string, size = 9, bold = false) => (bold ? this.fonts.bold : this.fonts.regular).widthOfTextAtSize(text, size);
  /** Text at `x` (left), ending at `x` (right) or centred on `x`; `y` is the baseline, from the bottom. */
  text(text: string, x: number, y: number, align: "left" | "right" | "center" = "left", bold = false, size = 9) {
    const w = this.width(text, size, bold);
    const at = align === "left" ? x : align === "right" ? x - w : x - w / 2;
    this.page.drawText(text, { x: at, y, size, font: bold ? this.fonts.bold : this.fonts.regular });
  }
  line(x0: number, y0: number, x1: number, y1: number) {
    this.page.drawLine({ start: { x: x0, y: y0 }, end: { x: x1, y: y1 }, thickness: 0.6 });
  }
  /** Lines of prose across the page. */
  prose(y: number, lines: number, rng: Rng): number {
    for (let i = 0; i < lines; i++) this.text(capital(words(rng, 14)) + ".", 50, y - i * 12);
    return y - lines * 12;
  }
}

async function sheet(): Promise<Sheet> {
  const pdf = await PDFDocument.create();
  return new Sheet(pdf, { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) });
}

/** A ruled grid: a region cell spanning its towns' rows, "Population" spanning two sub-headed columns, a note row across. */
async function ruledSpanning(rng: Rng): Promise<TableCase> {
  const s = await sheet();
  const xs = [50, 160, 280, 380, 480];
  const truth: TableCase["truth"] = [];
  s.text("Resident population by town", 50, 790, "left", true, 11);
  let y = 770;
  const header = [y, y - 14, y - 28];
  s.line(xs[0], y, xs[4], y);
  s.line(xs[2], y - 14, xs[4], y - 14);
  s.text("Region", 55, y - 18, "left", true);
  s.text("Town", 165, y - 18, "left", true);
  s.text("Population", 380, y - 10, "center", true);
  s.text("2010", 375, y - 24, "right", true);
  s.text("2020", 475, y - 24, "right", true);
  y = header[2];
  const bands: number[] = [y];
  const spans: Array<[number, number]> = [];
  for (const region of REGIONS.slice(0, int(rng, 2, 4))) {
    const towns = int(rng, 1, 3);
    const top = y;
    s.text(region, 55, top - (towns * 16) / 2 - 3);
    for (let t = 0; t < towns; t++) {
      const [a, b] = [int(rng, 900, 250000), int(rng, 900, 250000)];
      const town = pick(rng, TOWNS);
      s.text(town, 165, y - 11);
      s.text(a.toLocaleString("en-US"), 375, y - 11, "right");
      s.text(b.toLocaleString("en-US"), 475, y - 11, "right");
      truth.push({ region, town, p2010: a.toLocaleString("en-US"), p2020: b.toLocaleString("en-US") });
      y -= 16;
      bands.push(y);
    }
    spans.push([top, y]);
  }
  s.text("Figures for 2020 are provisional.", 55, y - 11);
  y -= 16;
  for (const band of bands) s.line(band === bands[0] || spans.some(([t, b]) => t === band || b === band) ? xs[0] : xs[1], band, xs[4], band);
  s.line(xs[0], y, xs[4], y);
  s.line(xs[0], header[0], xs[0], y);
  s.line(xs[4], header[0], xs[4], y);
  for (const x of xs.slice(1, 4)) s.line(x, x === xs[3] ? header[1] : header[0], x, y + 16);
  s.prose(y - 30, 3, rng);
  return {
    name: "ruled grid with spanning cells", pdf: await s.pdf.save(), truth,
    extractor: { type: "table", columns: { region: "Region", town: "Town", p2010: "Population 2010", p2020: "Population 2020" }, fill_down: ["region"] },
  };
}

/** Borderless: a centred header over right-aligned quantities, right-aligned money headers, German numbers, a sum and prose after. */
async function borderlessAligned(rng: Rng): Promise<TableCase> {
  const s = await sheet();
  s.text("Lieferschein / Rechnung", 50, 790, "left", true, 12);
  let y = 750;
  s.text("Article", 50, y, "left", true);
  s.text("Quantity", 300, y, "center", true);
  s.text("Unit price", 430, y, "right", true);
  s.text("Amount", 540, y, "right", true);
  const truth: TableCase["truth"] = [];
  let sum = 0;
  for (let i = int(rng, 4, 12); i > 0; i--) {
    y -= 14;
    const [qty, price] = [int(rng, 1, 250), int(rng, 50, 900000) / 100];
    const article = capital(words(rng, int(rng, 1, 3)));
    s.text(article, 50, y);
    s.text(String(qty), 312, y, "right");
    s.text(money(price, "de"), 430, y, "right");
    s.text(money(qty * price, "de"), 540, y, "right");
    sum += qty * price;
    truth.push({ article, qty: String(qty), price: money(price, "de"), amount: money(qty * price, "de") });
  }
  s.text("Summe", 50, y - 20, "left", true);
  s.text(money(sum, "de"), 540, y - 20, "right", true);
  s.prose(y - 34, 3, rng);
  return {
    name: "borderless, centred and right-aligned headers", pdf: await s.pdf.save(), truth,
    extractor: { type: "table", columns: { article: "Article", qty: "Quantity", price: "Unit price", amount: "Amount" }, skip: "^\\s*Summe" },
  };
}

/** Headers over two and three lines, French amounts, day-first dates. */
async function stackedHeaders(rng: Rng): Promise<TableCase> {
  const s = await sheet();
  const stacked: Array<[string[], number, "left" | "right"]> = [
    [["Cycle", "Name"], 50, "left"], [["Start", "Date"], 200, "left"], [["Net", "Amount", "(EUR)"], 400, "right"], [["Status"], 460, "left"],
  ];
  const top = 760;
  for (const [lines, x, align] of stacked) lines.forEach((t, i) => s.text(t, x, top - (3 - lines.length + i) * 11, align, true));
  let y = top - 2 * 11 - 18;
  const truth: TableCase["truth"] = [];
  for (let i = int(rng, 3, 10); i > 0; i--) {
    const name = `${capital(pick(rng, WORDS))} ${int(rng, 2019, 2026)}`;
    const date = `${String(int(rng, 1, 28)).padStart(2, "0")}.${String(int(rng, 1, 12)).padStart(2, "0")}.${int(rng, 2019, 2026)}`;
    const net = money(int(rng, 100, 9000000) / 100, "fr");
    const status = pick(rng, ["open", "closed", "in review"]);
    s.text(name, 50, y);
    s.text(date, 200, y);
    s.text(net, 400, y, "right");
    s.text(status, 460, y);
    truth.push({ name, start: date, net, status });
    y -= 13;
  }
  return {
    name: "headers over 2–3 lines", pdf: await s.pdf.save(), truth,
    extractor: { type: "table", columns: { name: "Cycle Name", start: "Start Date", net: "Net Amount (EUR)", status: "Status" } },
  };
}

/** Description cells wrapped over up to three lines; the numbers on the row's first line. */
async function wrappedCells(rng: Rng): Promise<TableCase> {
  const s = await sheet();
  let y = 760;
  for (const [t, x, a] of [["Pos", 50, "left"], ["Description", 90, "left"], ["Qty", 420, "right"], ["Price", 540, "right"]] as const) s.text(t, x, y, a, true);
  y -= 16;
  const truth: TableCase["truth"] = [];
  for (let pos = 1; pos <= int(rng, 3, 9); pos++) {
    const parts = Array.from({ length: int(rng, 1, 3) }, () => words(rng, int(rng, 3, 6)));
    const [qty, price] = [String(int(rng, 1, 99)), money(int(rng, 100, 500000) / 100, "en")];
    s.text(String(pos), 50, y);
    parts.forEach((p, i) => s.text(p, 90, y - i * 11));
    s.text(qty, 420, y, "right");
    s.text(price, 540, y, "right");
    truth.push({ pos: String(pos), description: parts.join(" "), qty, price });
    y -= (parts.length - 1) * 11 + 17;
  }
  s.text("Total", 90, y - 6, "left", true);
  s.text("see overleaf", 540, y - 6, "right");
  return {
    name: "wrapped description cells", pdf: await s.pdf.save(), truth,
    extractor: { type: "table", columns: { pos: "Pos", description: "Description", qty: "Qty", price: "Price" }, skip: "^\\s*Total" },
  };
}

export const CASES = [ruledSpanning, borderlessAligned, stackedHeaders, wrappedCells];
export { Sheet, sheet, words, capital, pick, int, TOWNS };
