import { describe, expect, it } from "vitest";
import { runItemExtractor } from "../../src/documents/extractors/items";
import type { ParsedDocument } from "../../src/documents/model";
import { parseBytes } from "../../src/documents/parse";
import type { Extractor } from "../../src/pipeline/definition";
import { add, score, ZERO } from "../support/table-accuracy";
import { CASES, seeded, sheet, type TableCase } from "../support/table-pdfs";
import { MORE_CASES } from "../support/table-pdfs-more";

const parse = async (pdf: Uint8Array) =>
  ({ ...(await parseBytes(pdf, { filename: "t.pdf", mimeType: null, pageRange: null, maxPages: 20 })), content_hash: "h" }) as ParsedDocument;
const items = (extractor: unknown, parsed: ParsedDocument) => runItemExtractor(extractor as Extractor, parsed, null);
const values = (found: ReturnType<typeof items>) => found.map((i) => Object.fromEntries(Object.entries(i.cells).map(([k, c]) => [k, c.value])));

describe("tables on PDF pages, read with the definition a user writes from the README", () => {
  it("reads ruled, borderless, stacked-header, wrapped, multi-page, repeated-header and narrow tables: ≥ 95 % of cells, ≤ 1 % invented rows", { timeout: 60_000 }, async () => {
    let total = ZERO;
    const misses: string[] = [];
    for (const [k, make] of [...CASES, ...MORE_CASES].entries()) {
      for (const seed of [11, 23]) {
        const c: TableCase = await make(seeded(seed * 101 + k));
        const s = score(values(items(c.extractor, await parse(c.pdf))), c.truth);
        if (s.right < s.cells || s.invented > 0) misses.push(`${c.name} (seed ${seed}): ${s.right}/${s.cells}, ${s.invented} invented`);
        total = add(total, s);
      }
    }
    expect({ accuracy: total.right / total.cells >= 0.95, invented: total.invented <= 0.01 * total.rows, misses }).toEqual({ accuracy: true, invented: true, misses: [] });
  });

  it("gives each cell its page, its words' box and its span; a ruled table's row-spanning cell fills down only when asked", async () => {
    const c = await CASES[0](seeded(5));
    const parsed = await parse(c.pdf);
    expect(parsed.tables[0]).toMatchObject({ method: "lattice", page: 0, header: ["Region", "Town", "Population 2010", "Population 2020"] });
    const found = items(c.extractor, parsed);
    const cell = found[0].cells.town;
    expect(cell.provenance).toMatchObject({ extractor: "table", page: 0, column: "Town", item_index: 0 });
    expect(parsed.pages[0].slice(cell.provenance.start, cell.provenance.end)).toBe(cell.value);
    expect(cell.provenance.bbox![0]).toBeGreaterThan(160);
    const plain = values(items({ ...c.extractor, fill_down: undefined }, parsed));
    expect(plain.filter((row) => row.region).length).toBe(new Set(c.truth.map((row) => row.region)).size);
  });

  it("table: N picks the Nth table holding the header; by position the Nth table found; explicit boundaries in points", async () => {
    const c = await MORE_CASES[2](seeded(3));
    const parsed = await parse(c.pdf);
    expect(values(items({ type: "table", table: 1, columns: { code: 0, stock: 2 } }, parsed))).toEqual(c.truth.map(({ code, stock }) => ({ code, stock })));
    const fixed = items({ type: "table", table: 1, columns: [{ name: "code", header: "Code" }, { name: "stock", x0: 350, x1: 420 }] }, parsed);
    expect(values(fixed)).toEqual(c.truth.map(({ code, stock }) => ({ code, stock })));
  });

  it("after, pages and end bound the table; continuation false keeps wrapped lines out", async () => {
    const c = await CASES[3](seeded(8));
    const parsed = await parse(c.pdf);
    const cut = c.truth.findIndex((row, i) => i > 0);
    const end = `^\\s*${c.truth[cut].pos}\\s`;
    expect(values(items({ ...c.extractor, end }, parsed))).toHaveLength(cut);
    expect(items({ ...c.extractor, pages: "1" }, parsed)).toEqual([]);
    expect(items({ ...c.extractor, after: "^\\s*Total" }, parsed)).toEqual([]);
    const unjoined = values(items({ ...c.extractor, continuation: false }, parsed));
    expect(unjoined.map((row) => row.pos)).toEqual(c.truth.map((row) => row.pos));
    expect(unjoined.some((row, i) => row.description !== c.truth[i].description)).toBe(c.truth.some((row) => row.description.split(" ").length > 6));
  });

  it("section rows (one cell across the table) become a column when the definition names it, else are skipped", async () => {
    const s = await sheet();
    let y = 760;
    for (const [t, x, a] of [["County", 50, "left"], ["Votes", 300, "right"], ["Share", 400, "right"]] as const) s.text(t, x, y, a, true);
    const truth: Array<Record<string, string>> = [];
    for (const party of ["Green Party", "Liberal Union"]) {
      y -= 22;
      s.text(party, 50, y, "left", true);
      for (const county of ["Alder", "Birch", "Cedar"]) {
        y -= 13;
        const votes = String(1000 + truth.length * 37);
        s.text(county, 50, y);
        s.text(votes, 300, y, "right");
        s.text(`${10 + truth.length},5 %`, 400, y, "right");
        truth.push({ party, county, votes });
      }
    }
    const parsed = await parse(await s.pdf.save());
    const spec = { type: "table", columns: { county: "County", votes: "Votes" } };
    expect(values(items({ ...spec, section: "party" }, parsed))).toEqual(truth);
    expect(values(items(spec, parsed))).toEqual(truth.map(({ county, votes }) => ({ county, votes })));
  });
});
