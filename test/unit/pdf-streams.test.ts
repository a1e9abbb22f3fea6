import { deflateSync } from "node:zlib";
import { PDFDict, PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { PermanentPhaseError } from "../../src/documents/model";
import { parseBytes } from "../../src/documents/parse";
import { checkDecompression } from "../../src/documents/parse/pdf-streams";
import { ascii85, filteredPdf, lzwZeros, runLengthZeros } from "../support/hostile";

/**
 * PDF stream bombs through every expanding filter, in any order, are refused before pdf.js decodes
 * them; ordinary PDFs through the same filters still parse (so the bombs are ones pdf.js would decode).
 */
const MiB = 1024 * 1024;
const limits = { maxWords: 100_000, maxStreamBytes: 4 * MiB, maxDecompressedBytes: 10 * MiB };
const zeros = (size: number) => new Uint8Array(size);
const hex = (bytes: Uint8Array) => new TextEncoder().encode(`${Buffer.from(bytes).toString("hex")}>`);

async function refusal(bytes: Uint8Array) {
  const error = await checkDecompression(bytes, limits).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentPhaseError);
  expect((error as PermanentPhaseError).code).toBe("decompression_limit");
  return (error as PermanentPhaseError).message;
}

describe("decompression caps count every filter", () => {
  it.each<[string, () => Uint8Array, string[]]>([
    ["an LZW bomb", () => lzwZeros(8 * MiB), ["LZWDecode"]],
    ["a RunLength bomb", () => runLengthZeros(8 * MiB), ["RunLengthDecode"]],
    ["ASCII85 then Flate twice", () => ascii85(deflateSync(deflateSync(zeros(8 * MiB)))), ["ASCII85Decode", "FlateDecode", "FlateDecode"]],
    ["ASCIIHex then LZW", () => hex(lzwZeros(8 * MiB)), ["ASCIIHexDecode", "LZWDecode"]],
    ["Flate then RunLength, abbreviated", () => deflateSync(runLengthZeros(8 * MiB)), ["Fl", "RL"]],
  ])("%s: past the per-stream cap", async (_, data, filters) => {
    expect(await refusal(await filteredPdf(data(), filters))).toContain("per-stream");
  });

  it("streams each under the cap, through LZW, past the per-document cap together", async () => {
    const pdf = await PDFDocument.load(await filteredPdf(lzwZeros(3 * MiB), ["LZWDecode"]));
    const page = pdf.getPage(0).node;
    const more = [1, 2, 3].map(() => pdf.context.register(pdf.context.stream(lzwZeros(3 * MiB), { Filter: "LZWDecode" })));
    page.set(PDFName.of("Contents"), pdf.context.obj([...(page.get(PDFName.of("Contents")) as unknown as { asArray(): [] }).asArray(), ...more]));
    expect(await refusal(await pdf.save())).toContain("per-document");
  });

  it("a bomb whose filter name is escaped (#57)", async () => {
    const bomb = await filteredPdf(lzwZeros(8 * MiB), ["ZZZZZZZZZZZ"]);
    expect(await refusal(Buffer.from(Buffer.from(bomb).toString("latin1").replace("/ZZZZZZZZZZZ", "/LZ#57Decode"), "latin1"))).toContain("per-stream");
  });

  it("a bomb whose dictionary is long, whose length is indirect and whose data holds a false endstream", async () => {
    const pdf = Buffer.from(await filteredPdf(new TextEncoder().encode("BT ET"), ["ASCIIHexDecode"])).toString("latin1");
    // Stored (uncompressed) deflate blocks may carry any bytes: a decoy `endstream` first, then the bomb.
    const decoy = deflateSync(Buffer.concat([Buffer.from("\nendstream\nendobj\n"), zeros(8 * MiB)]), { level: 0 });
    const data = deflateSync(decoy);
    const padded = `9999 0 obj\n<< /Padding (${"x".repeat(20_000)}) /Length 9998 0 R /Filter [/FlateDecode /FlateDecode] >>\nstream\n`;
    const tail = `\nendstream\nendobj\n9998 0 obj ${data.length} endobj\n`;
    expect(await refusal(Buffer.concat([Buffer.from(pdf, "latin1"), Buffer.from(padded), data, Buffer.from(tail)]))).toContain("per-stream");
  });
});

/** A plain LZW encoder (EarlyChange 1), written from the specification, for text pdf.js then reads. */
function lzw(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let held = 0;
  let bits = 0;
  let width = 9;
  const emit = (code: number) => {
    held = (held << width) | code;
    bits += width;
    while (bits >= 8) out.push((held >>> (bits -= 8)) & 0xff);
    held &= (1 << bits) - 1;
  };
  const table = new Map<string, number>();
  let next = 258;
  let current = "";
  for (const byte of bytes) {
    const longer = current + String.fromCharCode(byte);
    if (longer.length === 1 || table.has(longer)) {
      current = longer;
      continue;
    }
    emit(current.length === 1 ? current.charCodeAt(0) : table.get(current)!);
    table.set(longer, next++);
    if (next + 1 > 1 << width) width++;
    if (next === 4000) (emit(256), table.clear(), (next = 258), (width = 9));
    current = String.fromCharCode(byte);
  }
  emit(current.length === 1 ? current.charCodeAt(0) : table.get(current)!);
  emit(257);
  if (bits > 0) out.push((held << (8 - bits)) & 0xff);
  return Uint8Array.from(out);
}

/** A page whose text is drawn only by a content stream through `filters`, encoded by `encode`. */
async function textThrough(filters: string[], encode: (content: Uint8Array) => Uint8Array) {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  page.setFont(await pdf.embedFont(StandardFonts.Helvetica));
  page.drawText(" ");
  const fonts = page.node.Resources()!.lookup(PDFName.of("Font"), PDFDict);
  const key = fonts.keys()[0].asString();
  // Comment lines first, so LZW's table fills (codes widen to 12 bits, then clear) before the text.
  const filler = Array.from({ length: 3000 }, (_, i) => `% ${i * 7919}\n`).join("");
  const content = new TextEncoder().encode(`${filler}BT ${key} 12 Tf 50 780 Td (Invoice 4711 Total 19.99) Tj ET`);
  page.node.set(PDFName.of("Contents"), pdf.context.register(pdf.context.stream(encode(content), { Filter: filters })));
  return pdf.save();
}

describe("ordinary PDFs through the same filters still parse", () => {
  it.each<[string[], (b: Uint8Array) => Uint8Array]>([
    [["ASCII85Decode"], ascii85],
    [["ASCIIHexDecode"], hex],
    [["ASCII85Decode", "FlateDecode"], (b) => ascii85(deflateSync(b))],
    [["LZWDecode"], lzw],
    [["ASCIIHexDecode", "LZWDecode"], (b) => hex(lzw(b))],
    [["RunLengthDecode"], (b) => Uint8Array.from([...Array.from({ length: Math.ceil(b.length / 128) }, (_, i) => b.subarray(i * 128, i * 128 + 128)).flatMap((run) => [run.length - 1, ...run]), 128])],
  ])("%s", async (filters, encode) => {
    const parsed = await parseBytes(await textThrough(filters, encode), { pageRange: null, maxPages: 10, limits });
    expect(parsed.pages.join("\n")).toContain("Invoice 4711 Total 19.99");
  });
});
