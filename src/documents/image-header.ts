/**
 * What an image's header says about it, read before anything is decoded: its format, its size in pixels
 * and (TIFF) its number of frames. A decoder allocates what the header asks for, so the bounds below are
 * checked on these numbers: a 100,000 × 100,000 PNG is refused for 40 bytes, not after 40 GB.
 */
export type ImageFormat = "png" | "jpeg" | "webp" | "tiff";

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Frames (pages) of a TIFF; 1 for the other formats. Counting stops one past `MAX_IMAGE_PAGES`. */
  pages: number;
}

/** At most 40 megapixels per page (160 MB as RGBA) and 20,000 pixels a side. */
export const MAX_IMAGE_PIXELS = 40_000_000;
export const MAX_IMAGE_SIDE = 20_000;
export const MAX_IMAGE_PAGES = 500;

const starts = (bytes: Uint8Array, ...sig: number[]) => sig.every((b, i) => bytes[i] === b);

export function imageFormat(bytes: Uint8Array): ImageFormat | null {
  if (starts(bytes, 0x89, 0x50, 0x4e, 0x47)) return "png";
  if (starts(bytes, 0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(bytes, 0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === "WEBP") return "webp";
  if (starts(bytes, 0x49, 0x49, 0x2a, 0x00) || starts(bytes, 0x4d, 0x4d, 0x00, 0x2a)) return "tiff";
  return null;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function pngSize(bytes: Uint8Array) {
  if (bytes.length < 24) return null;
  return { width: view(bytes).getUint32(16), height: view(bytes).getUint32(20) };
}

/** The first start-of-frame marker's size (baseline, progressive, lossless…). */
function jpegSize(bytes: Uint8Array) {
  const data = view(bytes);
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) { at += 1; continue; }
    const length = data.getUint16(at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { width: data.getUint16(at + 7), height: data.getUint16(at + 5) };
    at += 2 + length;
  }
  return null;
}

function webpSize(bytes: Uint8Array) {
  if (bytes.length < 30) return null;
  const data = view(bytes);
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === "VP8X") return { width: 1 + (data.getUint32(24, true) & 0xffffff), height: 1 + (data.getUint32(27, true) & 0xffffff) };
  if (chunk === "VP8L") {
    const bits = data.getUint32(21, true);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === "VP8 ") return { width: data.getUint16(26, true) & 0x3fff, height: data.getUint16(28, true) & 0x3fff };
  return null;
}

/** The first frame's size and the number of frames, following the IFD chain (a loop counts as the end). */
function tiffSize(bytes: Uint8Array) {
  const data = view(bytes);
  const little = bytes[0] === 0x49;
  const u16 = (at: number) => data.getUint16(at, little);
  const u32 = (at: number) => data.getUint32(at, little);
  let offset = bytes.length >= 8 ? u32(4) : 0;
  let width = 0;
  let height = 0;
  let pages = 0;
  const seen = new Set<number>();
  while (offset > 0 && offset + 2 <= bytes.length && !seen.has(offset) && pages <= MAX_IMAGE_PAGES) {
    seen.add(offset);
    const count = u16(offset);
    if (offset + 2 + count * 12 + 4 > bytes.length) break;
    for (let i = 0; i < count && pages === 0; i++) {
      const entry = offset + 2 + i * 12;
      const tag = u16(entry);
      const value = u16(entry + 2) === 3 ? u16(entry + 8) : u32(entry + 8);
      if (tag === 256) width = value;
      if (tag === 257) height = value;
    }
    pages += 1;
    offset = u32(offset + 2 + count * 12);
  }
  return pages > 0 ? { width, height, pages } : null;
}

/** The header of a PNG, JPEG, WEBP or TIFF, or null when the bytes are not one or the header is cut short. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const format = imageFormat(bytes);
  if (!format) return null;
  const size = { png: pngSize, jpeg: jpegSize, webp: webpSize, tiff: tiffSize }[format](bytes);
  if (!size) return null;
  return { format, pages: 1, ...size };
}

/** Why an image cannot be read safely (no header, empty, too large), or null. */
export function imageProblem(header: ImageHeader | null, maxPages = MAX_IMAGE_PAGES): string | null {
  if (!header) return "the image's header is missing or cut short";
  const { width, height, pages } = header;
  if (width < 1 || height < 1) return "the image has no pixels";
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    return `the image is ${width} × ${height} pixels; the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels and ${MAX_IMAGE_SIDE} pixels a side`;
  }
  if (pages > maxPages) return `the image has more than ${maxPages} pages; the limit is ${maxPages}`;
  return null;
}
