import { describe, expect, it } from "vitest";
import { unsupportedReason } from "../../src/documents/detect";
import { imageProblem, MAX_IMAGE_PAGES, readImageHeader } from "../../src/documents/image-header";
import { parseBytes } from "../../src/documents/parse";

/** A PNG that is only its signature and IHDR chunk: what a decompression bomb shows before its data. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24);
  return bytes;
}

/** A JPEG whose start-of-frame claims `width` × `height`, with no image data behind it. */
function jpegHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0, 0xff, 0xd9]);
  return bytes;
}

/** A little-endian TIFF of `pages` IFDs of 10 × 10 pixels each, chained. */
function tiffPages(pages: number): Uint8Array {
  const ifd = 2 + 2 * 12 + 4;
  const bytes = new Uint8Array(8 + pages * ifd);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 0x2a, 0]);
  view.setUint32(4, 8, true);
  for (let p = 0; p < pages; p++) {
    const at = 8 + p * ifd;
    view.setUint16(at, 2, true);
    for (const [i, tag] of [256, 257].entries()) {
      view.setUint16(at + 2 + i * 12, tag, true);
      view.setUint16(at + 4 + i * 12, 4, true);
      view.setUint32(at + 6 + i * 12, 1, true);
      view.setUint32(at + 10 + i * 12, 10, true);
    }
    view.setUint32(at + 2 + 24, p + 1 < pages ? at + ifd : 0, true);
  }
  return bytes;
}

const parse = (bytes: Uint8Array) => parseBytes(bytes, { pageRange: null, maxPages: 500 });

describe("image headers are checked before anything is decoded", () => {
  it("refuses a 100,000 × 100,000 PNG at creation and at parse, naming the bound", async () => {
    const bomb = pngHeader(100_000, 100_000);
    expect(readImageHeader(bomb)).toMatchObject({ format: "png", width: 100_000, height: 100_000 });
    expect(unsupportedReason(bomb)).toMatch(/100000 × 100000 pixels; the limit is 40 megapixels and 20000 pixels a side/);
    await expect(parse(bomb)).rejects.toMatchObject({ code: "image_too_large" });
    expect(unsupportedReason(pngHeader(2480, 3508))).toBeNull();
  });

  it("takes a JPEG's size from its frame header, so a header that claims too much is refused", () => {
    expect(readImageHeader(jpegHeader(65_000, 65_000))).toMatchObject({ format: "jpeg", width: 65_000 });
    expect(unsupportedReason(jpegHeader(65_000, 65_000))).toMatch(/the limit is 40 megapixels/);
    expect(unsupportedReason(jpegHeader(1200, 1600))).toBeNull();
  });

  it("counts a TIFF's pages by its IFD chain and stops past the bound (10,000 pages)", async () => {
    expect(readImageHeader(tiffPages(3))).toMatchObject({ format: "tiff", pages: 3, width: 10, height: 10 });
    const many = tiffPages(10_000);
    expect(readImageHeader(many)!.pages).toBe(MAX_IMAGE_PAGES + 1);
    expect(unsupportedReason(many)).toMatch(/more than 500 pages/);
    const looped = tiffPages(2);
    new DataView(looped.buffer).setUint32(8 + 30 + 26, 8, true); // the second IFD points back at the first
    expect(readImageHeader(looped)!.pages).toBe(2);
  });

  it("refuses headers cut short, empty images and GIFs", async () => {
    expect(imageProblem(readImageHeader(pngHeader(10, 10).subarray(0, 20)))).toMatch(/missing or cut short/);
    expect(unsupportedReason(pngHeader(0, 10))).toMatch(/no pixels/);
    await expect(parse(pngHeader(10, 10).subarray(0, 20))).rejects.toMatchObject({ code: "invalid_image" });
    expect(unsupportedReason(new TextEncoder().encode("GIF89a........"))).toMatch(/GIF/);
  });

  it("gives an image one blank OCR page per frame, within the page range", async () => {
    const parsed = await parseBytes(tiffPages(3), { pageRange: [[1, 2]], maxPages: 10 });
    expect(parsed).toMatchObject({ mime_type: "image/tiff", pages: ["", ""], page_numbers: [1, 2] });
    expect(parsed.page_info).toEqual([{ source: "ocr" }, { source: "ocr" }]);
  });
});
