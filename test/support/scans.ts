/**
 * Scanned fixtures made in the test, with their truth kept: text drawn with pdf-lib (./pdf-layouts.ts),
 * rendered to pixels by the reader's own rasteriser, then turned, skewed, noised, JPEG-compressed, and
 * saved as PNG/JPEG/WEBP/TIFF or wrapped in an image-only PDF.
 */
import { createCanvas, type Canvas } from "@napi-rs/canvas";
import { PDFDocument } from "pdf-lib";
import UTIF from "utif2";
import { rasterise } from "../../src/adapters/ocr/raster";
import { drawPdf, type Drawn } from "./pdf-layouts";

/** Lines of text at explicit positions on a small page (points, pdf-lib's origin bottom-left). */
export function linesAt(lines: string[], options: { x?: number; top?: number; size?: number; gap?: number } = {}): Drawn[] {
  const { x = 36, top = 250, size = 12, gap = 22 } = options;
  return lines.map((text, i) => ({ text, x, y: top - i * gap, size }));
}

/** The drawn page as pixels at `dpi`. */
export async function render(items: Drawn[], dpi = 200, size: [number, number] = [360, 288]): Promise<Canvas> {
  const bytes = await drawPdf([{ items, size }]);
  return (await rasterise({ kind: "pdf", bytes, page: 0, languages: [], dpi })).canvas;
}

/** A deterministic generator, so a degraded fixture is the same at every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Turned by `degrees` (skew or sideways) on white, with `noise` (0–1) of the pixels flipped to random greys. */
export function degrade(source: Canvas, options: { degrees?: number; noise?: number; seed?: number } = {}): Canvas {
  const radians = ((options.degrees ?? 0) * Math.PI) / 180;
  const cos = Math.abs(Math.cos(radians));
  const sin = Math.abs(Math.sin(radians));
  const width = Math.round(source.width * cos + source.height * sin);
  const height = Math.round(source.width * sin + source.height * cos);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.translate(width / 2, height / 2);
  context.rotate(radians);
  context.drawImage(source, -source.width / 2, -source.height / 2);
  if (options.noise) {
    const next = random(options.seed ?? 7);
    const image = context.getImageData(0, 0, width, height);
    for (let p = 0; p < image.data.length; p += 4) {
      if (next() >= options.noise) continue;
      const grey = Math.floor(next() * 256);
      image.data.set([grey, grey, grey], p);
    }
    context.putImageData(image, 0, 0);
  }
  return canvas;
}

export const png = (canvas: Canvas) => new Uint8Array(canvas.toBuffer("image/png"));
export const jpeg = (canvas: Canvas, quality = 60) => new Uint8Array(canvas.toBuffer("image/jpeg", quality));
export const webp = (canvas: Canvas) => new Uint8Array(canvas.toBuffer("image/webp", 90));

/** A multi-page TIFF, one uncompressed RGBA frame per canvas: the IFDs first, then each frame's strip. */
export function tiff(canvases: Canvas[]): Uint8Array {
  const pixels = canvases.map((c) => c.getContext("2d").getImageData(0, 0, c.width, c.height).data);
  const ifds = (offsets: number[]) => canvases.map((c, i) => ({
    t256: [c.width], t257: [c.height], t258: [8, 8, 8, 8], t259: [1], t262: [2], t273: [offsets[i]], t277: [4],
    t278: [c.height], t279: [pixels[i].length], t284: [1], t338: [1],
  }));
  const headerLength = UTIF.encode(ifds(canvases.map(() => 0)) as never).byteLength;
  const offsets = pixels.map((_, i) => headerLength + pixels.slice(0, i).reduce((sum, p) => sum + p.length, 0));
  const header = new Uint8Array(UTIF.encode(ifds(offsets) as never));
  const out = new Uint8Array(headerLength + pixels.reduce((sum, p) => sum + p.length, 0));
  out.set(header);
  pixels.forEach((p, i) => out.set(p, offsets[i]));
  return out;
}

/** A PDF whose pages are born-digital (drawn items) or scans (one PNG/JPEG filling the page, as a scanner writes). */
export async function mixedPdf(pages: Array<{ items: Drawn[] } | { scan: Uint8Array }>, size: [number, number] = [360, 288]) {
  const pdf = await PDFDocument.load(await drawPdf(pages.map((p) => ("items" in p ? { items: p.items, size } : { items: [], size }))));
  for (const [i, spec] of pages.entries()) {
    if (!("scan" in spec)) continue;
    const isJpeg = spec.scan[0] === 0xff;
    const image = isJpeg ? await pdf.embedJpg(spec.scan) : await pdf.embedPng(spec.scan);
    pdf.getPage(i).drawImage(image, { x: 0, y: 0, width: size[0], height: size[1] });
  }
  return pdf.save();
}

/** Share of the truth's words found, in order, in the text read (a word-level longest common subsequence). */
export function wordAccuracy(truth: string, read: string): number {
  const a = truth.split(/\s+/).filter(Boolean);
  const b = read.split(/\s+/).filter(Boolean);
  let previous = new Array(b.length + 1).fill(0);
  for (const word of a) {
    const row = [0];
    for (let j = 1; j <= b.length; j++) row[j] = word === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], row[j - 1]);
    previous = row;
  }
  return a.length ? previous[b.length] / a.length : 1;
}
