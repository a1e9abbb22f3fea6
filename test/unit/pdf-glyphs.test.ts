import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { WORD_STRIDE, type ParsedDocument } from "../../src/documents/model";
import { parseBytes } from "../../src/documents/parse";

/** A ToUnicode CMap mapping the one-byte codes given to the code points given, the rest left unmapped. */
function toUnicode(map: Record<number, string>): string {
  const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, "0");
  const entries = Object.entries(map).map(([code, char]) =>
    `<${hex(Number(code), 2)}> <${[...char].map((c) => hex(c.codePointAt(0)!, 4)).join("")}>`);
  return [
    "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def", "/CMapName /Test def", "/CMapType 2 def",
    "1 begincodespacerange", "<00> <FF>", "endcodespacerange",
    `${entries.length} beginbfchar`, ...entries, "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
  ].join("\n");
}

/** Printable ASCII mapped to itself, "." (code 46) mapped to `dot`: a producer's broken ToUnicode. */
const brokenDot = (dot: string) => {
  const map: Record<number, string> = {};
  for (let code = 32; code < 127; code++) map[code] = String.fromCharCode(code);
  map[46] = dot;
  return toUnicode(map);
};

const NUMBERS = ["11,062.6", "3.14", "1.250.000,75", "0.5"];
const SIZE = 11;

/** Two columns of numbers in Helvetica whose ToUnicode maps "." to `dot`; returns the PDF and each drawn width. */
async function drawNumbers(dot: string) {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  NUMBERS.forEach((text, i) => {
    page.drawText(`Amount ${i + 1}`, { x: 50, y: 760 - i * 20, size: SIZE, font });
    page.drawText(text, { x: 300, y: 760 - i * 20, size: SIZE, font });
  });
  await doc.flush(); // writes the font's dictionary, which the broken ToUnicode then goes into
  const dict = doc.context.lookup(font.ref) as unknown as { set(key: PDFName, value: unknown): void };
  dict.set(PDFName.of("ToUnicode"), doc.context.register(doc.context.stream(brokenDot(dot))));
  return { bytes: await doc.save(), widths: NUMBERS.map((n) => font.widthOfTextAtSize(n, SIZE)) };
}

const parse = async (bytes: Uint8Array) =>
  (await parseBytes(bytes, { pageRange: null, maxPages: 10, filename: "a.pdf" })) as Omit<ParsedDocument, "content_hash">;

/** The word boxes of a page keyed by their text. */
function boxes(doc: Omit<ParsedDocument, "content_hash">): Map<string, number[]> {
  const flat = doc.words![0];
  const out = new Map<string, number[]>();
  for (let i = 0; i < flat.length; i += WORD_STRIDE) out.set(doc.pages[0].slice(flat[i], flat[i + 1]), flat.slice(i + 2, i + 6));
  return out;
}

describe("glyphs a font's ToUnicode maps to an invisible character are not dropped", () => {
  for (const [name, dot] of [["zero width space", "\u200B"], ["soft hyphen", "\u00AD"], ["word joiner", "\u2060"]]) {
    it(`reads "." mapped to a ${name} as the font's "." with its width (numbers keep their value)`, async () => {
      const { bytes, widths } = await drawNumbers(dot);
      const doc = await parse(bytes);
      const words = boxes(doc);
      NUMBERS.forEach((number, i) => {
        expect(doc.pages[0]).toMatch(new RegExp(`^Amount ${i + 1} +${number.replace(/\./g, "\\.")}$`, "m"));
        const box = words.get(number)!;
        expect(box[2] - box[0]).toBeCloseTo(widths[i], 0);
      });
    });
  }

  it("leaves a font whose ToUnicode maps every glyph as it was", async () => {
    const { bytes } = await drawNumbers(".");
    const text = (await parse(bytes)).pages[0];
    for (const number of NUMBERS) expect(text).toContain(number);
  });

  // pdftotext (poppler-utils) keeps the glyph as the U+200B it is mapped to: the runs of digits, where
  // numbers may not merge, must be its. Skipped with this message when it is not installed.
  const pdftotext = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].find(existsSync);
  it.skipIf(!pdftotext)("splits the digits where pdftotext does (needs poppler-utils' pdftotext)", async () => {
    const { bytes } = await drawNumbers("\u200B");
    const file = join(mkdtempSync(join(tmpdir(), "glyphs-")), "a.pdf");
    writeFileSync(file, bytes);
    const reference = execFileSync(pdftotext!, ["-layout", file, "-"], { encoding: "utf8" });
    const ours = (await parse(bytes)).pages[0];
    expect(ours.match(/\d+/g)).toEqual(reference.match(/\d+/g));
  });
});
