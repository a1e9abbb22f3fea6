/**
 * Page pictures for OCR, in the OCR thread: an image decoded (PNG, JPEG, WEBP by skia; TIFF frames by
 * UTIF), a scanned PDF page's only image taken as it is (no rendering), or any other PDF page rendered
 * by pdf.js onto a skia canvas (@napi-rs/canvas: prebuilt binaries from npm, nothing downloaded).
 * Sizes are checked on headers before anything is decoded (see documents/image-header.ts).
 */
import { createCanvas, DOMMatrix, ImageData, loadImage, Path2D, type Canvas } from "@napi-rs/canvas";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import UTIF from "utif2";
import { imageProblem, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, readImageHeader } from "../../documents/image-header";
import { OcrError, type OcrRequest } from "./interface";

// pdf.js draws with these when it renders; the canvas package provides them.
Object.assign(globalThis, { DOMMatrix, ImageData, Path2D });
// pdf.js 5 hands operator lists over with this (Node 21+); a copy does the same on Node 20.
const buffers = ArrayBuffer.prototype as { transferToFixedLength?: () => ArrayBuffer };
buffers.transferToFixedLength ??= function (this: ArrayBuffer) {
  return this.slice(0);
};

export interface Raster {
  canvas: Canvas;
  /** Page size in points and the picture's resolution. */
  width: number;
  height: number;
  dpi: number;
  raster: "image" | "extracted" | "rendered";
}

const invalid = (message: string) => new OcrError("invalid_image", message);

/**
 * pdf.js's own standard fonts (Foxit and Liberation, from npm `pdfjs-dist`) for text in the 14 base
 * fonts that PDFs name without embedding: with system fonts instead, a page renders in whatever the
 * machine has installed (DejaVu Serif for Helvetica here) and OCR reads worse on one host than another.
 */
const standardFontDataUrl = (): string =>
  join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts") + "/";

function checked(width: number, height: number, what: string) {
  const problem = imageProblem({ format: "png", width, height, pages: 1 });
  if (problem) throw new OcrError("image_too_large", `${what}: ${problem}`);
}

function fromRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Canvas {
  const canvas = createCanvas(width, height);
  canvas.getContext("2d").putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, width * height * 4), width, height), 0, 0);
  return canvas;
}

function tiffFrame(data: Uint8Array, page: number): Canvas {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const frames = UTIF.decode(bytes);
  const frame = frames[page];
  if (!frame) throw invalid(`the TIFF has no page ${page}`);
  checked(frame.width, frame.height, `TIFF page ${page}`);
  UTIF.decodeImage(bytes, frame);
  return fromRgba(UTIF.toRGBA8(frame), frame.width, frame.height);
}

async function imageRaster({ bytes, page, dpi }: OcrRequest): Promise<Raster> {
  const header = readImageHeader(bytes);
  const problem = imageProblem(header);
  if (problem) throw new OcrError(header ? "image_too_large" : "invalid_image", problem);
  let canvas: Canvas;
  try {
    if (header!.format === "tiff") canvas = tiffFrame(bytes, page);
    else {
      const image = await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      canvas = createCanvas(image.width, image.height);
      canvas.getContext("2d").drawImage(image, 0, 0);
    }
  } catch (error) {
    if (error instanceof OcrError) throw error;
    throw invalid(`the image could not be decoded: ${(error as Error).message}`);
  }
  return { canvas, width: (canvas.width * 72) / dpi, height: (canvas.height * 72) / dpi, dpi, raster: "image" };
}

type PdfPage = Awaited<ReturnType<Awaited<ReturnType<typeof import("unpdf/pdfjs").getDocument>["promise"]>["getPage"]>>;
type Ops = typeof import("unpdf/pdfjs").OPS;

/**
 * The name of the page's only image when it covers the whole page upright (a scanner's page), else null:
 * the current transform is followed through save/restore/transform to where the image is painted.
 */
async function soleImage(page: PdfPage, ops: Ops, width: number, height: number): Promise<string | null> {
  const list = await page.getOperatorList();
  const paints = list.fnArray.filter((fn) => fn === ops.paintImageXObject || fn === ops.paintInlineImageXObject);
  const drawsText = list.fnArray.some((fn) => fn === ops.showText || fn === ops.showSpacedText);
  if (paints.length !== 1 || drawsText) return null;
  const stack: number[][] = [];
  let ctm = [1, 0, 0, 1, 0, 0];
  for (let i = 0; i < list.fnArray.length; i++) {
    const fn = list.fnArray[i];
    if (fn === ops.save) stack.push(ctm);
    else if (fn === ops.restore) ctm = stack.pop() ?? ctm;
    else if (fn === ops.transform) {
      const [a, b, c, d, e, f] = list.argsArray[i] as number[];
      ctm = [ctm[0] * a + ctm[2] * b, ctm[1] * a + ctm[3] * b, ctm[0] * c + ctm[2] * d, ctm[1] * c + ctm[3] * d,
        ctm[0] * e + ctm[2] * f + ctm[4], ctm[1] * e + ctm[3] * f + ctm[5]];
    } else if (fn === ops.paintImageXObject) {
      const near = (x: number, y: number) => Math.abs(x - y) <= 2;
      const full = near(ctm[0], width) && near(ctm[3], height) && near(ctm[1], 0) && near(ctm[2], 0) && near(ctm[4], 0) && near(ctm[5], 0);
      return full ? (list.argsArray[i] as [string])[0] : null;
    }
  }
  return null;
}

interface PdfImage { width: number; height: number; kind?: number; data?: Uint8Array; bitmap?: unknown }

/** pdf.js's decoded image as RGBA on a canvas (grayscale 1 bpp, RGB 24 or RGBA 32). */
function imageCanvas(image: PdfImage): Canvas | null {
  const { width, height, kind, data } = image;
  if (!data) return null;
  checked(width, height, "the page's image");
  const rgba = new Uint8ClampedArray(width * height * 4);
  if (kind === 3) rgba.set(data.subarray(0, rgba.length));
  else if (kind === 2) for (let p = 0, q = 0; p < width * height; p++, q += 3) rgba.set([data[q], data[q + 1], data[q + 2], 255], p * 4);
  else if (kind === 1) {
    const rowBytes = (width + 7) >> 3;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const v = (data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1 ? 255 : 0;
      rgba.set([v, v, v, 255], (y * width + x) * 4);
    }
  } else return null;
  return fromRgba(rgba, width, height);
}

/** The resolution a page renders at: the one asked for, lowered so the picture stays within the pixel bounds. */
function renderDpi(width: number, height: number, dpi: number): number {
  const scale = dpi / 72;
  const fit = Math.min(1, MAX_IMAGE_SIDE / (width * scale), MAX_IMAGE_SIDE / (height * scale), Math.sqrt(MAX_IMAGE_PIXELS / (width * height * scale * scale)));
  return Math.floor(dpi * fit);
}

async function pdfRaster({ bytes, page: index, dpi }: OcrRequest): Promise<Raster> {
  const { getDocument, OPS } = await import("unpdf/pdfjs");
  const pdf = await getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: false, standardFontDataUrl: standardFontDataUrl() }).promise;
  try {
    const page = await pdf.getPage(index + 1);
    const { width, height } = page.getViewport({ scale: 1 });
    const name = page.rotate === 0 ? await soleImage(page, OPS, width, height) : null;
    const image = name ? await new Promise<PdfImage>((resolve) => page.objs.get(name, resolve)) : null;
    const extracted = image && imageCanvas(image);
    if (extracted) return { canvas: extracted, width, height, dpi: Math.round((extracted.width * 72) / width), raster: "extracted" };
    const used = renderDpi(width, height, dpi);
    const viewport = page.getViewport({ scale: used / 72 });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
    return { canvas, width, height, dpi: used, raster: "rendered" };
  } finally {
    await pdf.destroy();
  }
}

export const rasterise = (request: OcrRequest): Promise<Raster> => (request.kind === "pdf" ? pdfRaster(request) : imageRaster(request));

/** The canvas turned by quarter turns (clockwise). */
export function turned(canvas: Canvas, quarterTurns: number): Canvas {
  const turns = ((quarterTurns % 4) + 4) % 4;
  if (turns === 0) return canvas;
  const sideways = turns % 2 === 1;
  const out = createCanvas(sideways ? canvas.height : canvas.width, sideways ? canvas.width : canvas.height);
  const context = out.getContext("2d");
  context.translate(out.width / 2, out.height / 2);
  context.rotate((turns * Math.PI) / 2);
  context.drawImage(canvas, -canvas.width / 2, -canvas.height / 2);
  return out;
}
