import { afterAll, describe, expect, it } from "vitest";
import { createThreadReader } from "../../src/adapters/ocr/threads";
import { parseBytes } from "../../src/documents/parse";
import { DEFAULT_OCR, readScannedPages, type OcrOptions } from "../../src/documents/parse/ocr";
import { WORD_STRIDE } from "../../src/documents/model";
import { degrade, jpeg, linesAt, mixedPdf, png, render, tiff, webp, wordAccuracy } from "../support/scans";

const reader = createThreadReader({ workers: 1, timeoutMs: 120_000 });
afterAll(() => reader.close());

async function read(bytes: Uint8Array, ocr: Partial<OcrOptions> = {}) {
  const text = await parseBytes(bytes, { pageRange: null, maxPages: 50 });
  const kind = text.mime_type === "application/pdf" ? "pdf" : "image";
  return readScannedPages(text, { kind, bytes }, { ...DEFAULT_OCR, dpi: 200, ...ocr }, reader, "no reader");
}

const INVOICE = ["Invoice number: INV-2024-0042", "Date: 2024-03-15", "Bill to: Acme Widgets Ltd", "Total due: 1,234.56 EUR"];

describe("OCR into the document model", () => {
  it("reads a PNG scan into text, word boxes in points (origin top-left) and confidences", async () => {
    const parsed = await read(png(await render(linesAt(INVOICE))));
    expect(parsed.mime_type).toBe("image/png");
    expect(wordAccuracy(INVOICE.join(" "), parsed.pages[0])).toBeGreaterThanOrEqual(0.95);
    const info = parsed.page_info![0];
    expect(info).toMatchObject({ source: "ocr", width: 360, height: 288, ocr: { languages: ["eng"], dpi: 200, rotation: 0 } });
    expect(info.ocr!.engine).toMatch(/^tesseract\.js \d/);
    const words = parsed.words![0];
    expect(parsed.word_confidence![0]).toHaveLength(words.length / WORD_STRIDE);
    // "Invoice" was drawn at x = 36 with its baseline 288 - 250 = 38 points from the top.
    const first = words.slice(0, WORD_STRIDE);
    expect(parsed.pages[0].slice(first[0], first[1])).toBe("Invoice");
    expect(first[2]).toBeCloseTo(36, -0.5);
    expect(first[5]).toBeGreaterThan(30);
    expect(first[5]).toBeLessThan(44);
    expect(Math.min(...parsed.word_confidence![0])).toBeGreaterThan(0.5);
  });

  it("reads a skewed (3°), noised, JPEG-compressed scan", async () => {
    const scan = jpeg(degrade(await render(linesAt(INVOICE)), { degrees: 3, noise: 0.02 }), 50);
    const parsed = await read(scan);
    expect(parsed.mime_type).toBe("image/jpeg");
    expect(wordAccuracy(INVOICE.join(" "), parsed.pages[0])).toBeGreaterThanOrEqual(0.85);
    expect(Math.abs(parsed.page_info![0].ocr!.skew!)).toBeGreaterThan(1);
  });

  it("turns a sideways page upright and says so", async () => {
    const parsed = await read(webp(degrade(await render(linesAt(INVOICE)), { degrees: 90 })));
    expect(wordAccuracy(INVOICE.join(" "), parsed.pages[0])).toBeGreaterThanOrEqual(0.9);
    expect([90, 270]).toContain(parsed.page_info![0].ocr!.rotation);
  });

  it("reads a multi-page TIFF as pages, in German and French", async () => {
    const german = ["Rechnungsnummer: 4711", "Größe und Maße: Übergröße", "Gesamtbetrag fällig"];
    const french = ["Numéro de facture: 815", "Reçu à Montréal, été", "Montant total dû"];
    const scan = tiff([await render(linesAt(german)), await render(linesAt(french))]);
    const parsed = await read(scan, { languages: ["deu", "fra"] });
    expect(parsed.pages).toHaveLength(2);
    expect(parsed.page_numbers).toEqual([0, 1]);
    expect(wordAccuracy(german.join(" "), parsed.pages[0])).toBeGreaterThanOrEqual(0.85);
    expect(wordAccuracy(french.join(" "), parsed.pages[1])).toBeGreaterThanOrEqual(0.85);
    expect(parsed.page_info![1].ocr!.languages).toEqual(["deu", "fra"]);
  });

  it("reads only the scanned page of a mixed PDF, taking the page's image as it is", async () => {
    const dutch = ["Factuurnummer: 2024-17", "Totaalbedrag: 99,95 euro"];
    const bytes = await mixedPdf([{ items: linesAt(INVOICE) }, { scan: png(await render(linesAt(dutch), 200)) }]);
    const parsed = await read(bytes, { languages: ["nld"] });
    expect(parsed.page_info!.map((p) => p.source)).toEqual(["text_layer", "ocr"]);
    expect(parsed.pages[0]).toContain("INV-2024-0042");
    expect(parsed.word_confidence![0]).toEqual([]);
    expect(wordAccuracy(dutch.join(" "), parsed.pages[1])).toBeGreaterThanOrEqual(0.9);
    // The page's only image is 200 dpi: it is used as it is, not rendered at the 300 dpi asked for.
    expect(parsed.page_info![1].ocr!.dpi).toBe(200);
  });
});

describe("OCR refusals", () => {
  it("ends a scan under mode never, and without a reader names what to set", async () => {
    const bytes = png(await render(linesAt(["Total 12.00"])));
    const text = await parseBytes(bytes, { pageRange: null, maxPages: 5 });
    await expect(readScannedPages(text, { kind: "image", bytes }, { ...DEFAULT_OCR, mode: "never" }, reader, ""))
      .rejects.toMatchObject({ code: "no_text" });
    await expect(readScannedPages(text, { kind: "image", bytes }, DEFAULT_OCR, null, "set READER_URL"))
      .rejects.toMatchObject({ code: "ocr_unavailable", message: expect.stringContaining("READER_URL") });
  });

  it("ends a truncated image in invalid_image (or no_text) and a page of noise or one pixel in no_text", async () => {
    const whole = png(await render(linesAt(INVOICE)));
    await expect(read(whole.subarray(0, 20))).rejects.toMatchObject({ code: "invalid_image" });
    // Cut after its header: the decoder keeps what arrived (blank below), or gives up; either way a code.
    await expect(read(whole.subarray(0, 300))).rejects.toMatchObject({ code: expect.stringMatching(/^(invalid_image|no_text)$/) });
    await expect(read(png(degrade(await render([], 72), { noise: 0.5 })))).rejects.toMatchObject({ code: "no_text" });
    const one = png(await render([], 1, [72, 72]));
    await expect(read(one)).rejects.toMatchObject({ code: "no_text" });
  }, 60_000);
});
