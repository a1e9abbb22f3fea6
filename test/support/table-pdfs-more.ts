/** More drawn tables with their truth (see ./table-pdfs.ts): over pages, two alike on a page, narrow columns. */
import { capital, int, money, pick, sheet, TOWNS, words, type TableCase } from "./table-pdfs";

type Rng = () => number;

/** A statement over three pages: header repeated, a page footer, debit or credit empty, prose after the last row. */
async function overPages(rng: Rng): Promise<TableCase> {
  const s = await sheet();
  const truth: TableCase["truth"] = [];
  const pages = 3;
  for (let p = 0; p < pages; p++) {
    if (p > 0) s.newPage();
    s.text(`Account statement 4471-${p + 1}`, 50, 805, "left", false, 8);
    let y = 770;
    for (const [t, x, a] of [["Date", 50, "left"], ["Reference", 120, "left"], ["Debit", 440, "right"], ["Credit", 540, "right"]] as const) s.text(t, x, y, a, true);
    for (let i = int(rng, 8, 30); i > 0; i--) {
      y -= 14;
      const date = `${int(rng, 2019, 2026)}-${String(int(rng, 1, 12)).padStart(2, "0")}-${String(int(rng, 1, 28)).padStart(2, "0")}`;
      const ref = `${pick(rng, ["SEPA", "Card", "Transfer"])} ${capital(words(rng, int(rng, 1, 2)))} ${int(rng, 100, 99999)}`;
      const amount = money(int(rng, 100, 2000000) / 100, "en");
      const debit = rng() < 0.5;
      s.text(date, 50, y);
      s.text(ref, 120, y);
      s.text(amount, debit ? 440 : 540, y, "right");
      truth.push({ date, ref, ...(debit ? { debit: amount } : { credit: amount }) });
    }
    if (p === pages - 1) s.prose(y - 30, 4, rng);
    s.text(`Page ${p + 1} of ${pages}`, 297, 30, "center", false, 8);
  }
  return {
    name: "continued over pages under a repeated header", pdf: await s.pdf.save(), truth,
    extractor: { type: "table", columns: { date: "Date", ref: "Reference", debit: "Debit", credit: "Credit" } },
  };
}

/** Two tables with one header on a page; `table` picks which. */
async function twoAlike(rng: Rng, which: 0 | 1): Promise<TableCase> {
  const s = await sheet();
  const truths: Array<TableCase["truth"]> = [[], []];
  let y = 780;
  for (const t of [0, 1]) {
    s.text(`Warehouse ${t === 0 ? "Leeds" : "Bristol"}`, 50, y, "left", true, 11);
    y -= 24;
    for (const [h, x, a] of [["Code", 50, "left"], ["Product", 120, "left"], ["Stock", 400, "right"]] as const) s.text(h, x, y, a, true);
    for (let i = int(rng, 2, 8); i > 0; i--) {
      y -= 14;
      const row = { code: `${String.fromCharCode(65 + int(rng, 0, 25))}${int(rng, 100, 999)}`, product: capital(words(rng, int(rng, 1, 3))), stock: String(int(rng, 0, 5000)) };
      s.text(row.code, 50, y);
      s.text(row.product, 120, y);
      s.text(row.stock, 400, y, "right");
      truths[t].push(row);
    }
    y -= 40;
  }
  return {
    name: `two tables with one header (table ${which})`, pdf: await s.pdf.save(), truth: truths[which],
    extractor: { type: "table", columns: { code: "Code", product: "Product", stock: "Stock" }, ...(which ? { table: 1 } : {}) },
  };
}

/** Columns a few points apart (State, then ZIP code), printed where a layout reads one space. */
async function narrowColumns(rng: Rng): Promise<TableCase> {
  const s = await sheet();
  let y = 760;
  for (const [t, x] of [["Name", 50], ["City", 200], ["ST", 300], ["ZIP", 319]] as const) s.text(t, x, y, "left", true);
  const truth: TableCase["truth"] = [];
  for (let i = int(rng, 3, 10); i > 0; i--) {
    y -= 13;
    const row = { name: `${capital(pick(rng, ["anna", "ben", "carla", "dev", "ema"]))} ${capital(pick(rng, ["smith", "olsen", "garcia", "ng"]))}`,
      city: pick(rng, TOWNS), state: pick(rng, ["MN", "WI", "IA", "ND"]), zip: String(int(rng, 50000, 56999)) };
    s.text(row.name, 50, y);
    s.text(row.city, 200, y);
    s.text(row.state, 300, y);
    s.text(row.zip, 319, y);
    truth.push(row);
  }
  return {
    name: "columns 5 pt apart", pdf: await s.pdf.save(), truth,
    extractor: { type: "table", columns: { name: "Name", city: "City", state: "ST", zip: "ZIP" } },
  };
}

export const MORE_CASES = [overPages, (rng: Rng) => twoAlike(rng, 0), (rng: Rng) => twoAlike(rng, 1), narrowColumns];
