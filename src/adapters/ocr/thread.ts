/**
 * One OCR thread (see ./threads.ts): rasterises a page (./raster.ts) and recognises it with tesseract.js,
 * whose own worker runs inside this thread. Pages whose text reads poorly are tried a quarter turn each
 * way and upside down (a sideways scan); tesseract's own deskew straightens small angles.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createWorker, OEM, type Worker as Tesseract, type Page } from "tesseract.js";
import { OcrError, type OcrPage, type OcrRequest, type OcrWord } from "./interface";
import { rasterise, turned, type Raster } from "./raster";

let engine: { languages: string; worker: Promise<Tesseract> } | undefined;

/** The tesseract worker for these languages, made anew when they change (loading data costs ~1 s). */
function tesseract(languages: string[]): Promise<Tesseract> {
  const key = languages.join("+");
  if (engine?.languages === key) return engine.worker;
  const previous = engine?.worker;
  const worker = (async () => {
    await previous?.then((w) => w.terminate()).catch(() => undefined);
    return createWorker(languages, OEM.LSTM_ONLY, {
      workerPath: workerData.tesseractWorker, langPath: "npm", gzip: true, cacheMethod: "none",
    });
  })();
  engine = { languages: key, worker };
  return worker;
}

type Recognised = { words: OcrWord[]; skew: number; score: number };

/** The words tesseract found, in points, each with its line's box (rows are read by line) and confidence 0–1. */
function wordsOf(page: Page, toPoints: number): OcrWord[] {
  const words: OcrWord[] = [];
  for (const block of page.blocks ?? []) for (const paragraph of block.paragraphs) for (const line of paragraph.lines) {
    const l = line.bbox;
    for (const word of line.words) {
      const text = word.text.trim();
      if (!text) continue;
      const b = word.bbox;
      words.push({
        text,
        box: [b.x0 * toPoints, b.y0 * toPoints, b.x1 * toPoints, b.y1 * toPoints],
        line: [l.x0 * toPoints, l.y0 * toPoints, l.x1 * toPoints, l.y1 * toPoints],
        confidence: Math.max(0, Math.min(1, word.confidence / 100)),
      });
    }
  }
  return words;
}

/** How readable a result is: confident characters of words that look like words. */
const scoreOf = (words: OcrWord[]) =>
  words.reduce((sum, w) => sum + (/[\p{L}\p{N}]{2}/u.test(w.text) ? w.text.length * w.confidence : 0), 0);

async function recognise(worker: Tesseract, raster: Raster, turns: number): Promise<Recognised> {
  const canvas = turned(raster.canvas, turns);
  const { data } = await worker.recognize(canvas.toBuffer("image/png"), { rotateAuto: true }, { blocks: true, text: false });
  const words = wordsOf(data, 72 / raster.dpi);
  return { words, skew: ((data.rotateRadians ?? 0) * 180) / Math.PI, score: scoreOf(words) };
}

/** Below this mean confidence (or with fewer readable characters) a page is tried in the other orientations. */
const UPRIGHT_CONFIDENCE = 0.7;
const UPRIGHT_CHARACTERS = 12;

/** No dark pixel in a sample of every 3rd row and column: nothing to read (and no tesseract to start). */
function isBlank(raster: Raster): boolean {
  const { width, height } = raster.canvas;
  const data = raster.canvas.getContext("2d").getImageData(0, 0, width, height).data;
  for (let y = 0; y < height; y += 3) {
    for (let x = 0; x < width; x += 3) {
      const p = (y * width + x) * 4;
      if (data[p] + data[p + 1] + data[p + 2] < 384) return false;
    }
  }
  return true;
}

async function read(request: OcrRequest): Promise<OcrPage> {
  const raster = await rasterise(request);
  const page = { width: raster.width, height: raster.height, dpi: raster.dpi, rotation: 0, skew: 0, raster: raster.raster };
  if (isBlank(raster)) return { ...page, words: [] };
  const worker = await tesseract(request.languages);
  let best = { turns: 0, ...(await recognise(worker, raster, 0)) };
  const mean = best.words.reduce((s, w) => s + w.confidence, 0) / (best.words.length || 1);
  // A blank page finds nothing whichever way up; one that reads poorly may be sideways.
  if (best.words.length > 0 && (mean < UPRIGHT_CONFIDENCE || best.score < UPRIGHT_CHARACTERS)) {
    for (const turns of [1, 3, 2]) {
      const tried = { turns, ...(await recognise(worker, raster, turns)) };
      if (tried.score > best.score * 1.5 + 1) best = tried;
    }
  }
  const sideways = best.turns % 2 === 1;
  return {
    width: sideways ? raster.height : raster.width,
    height: sideways ? raster.width : raster.height,
    dpi: raster.dpi,
    words: best.words,
    rotation: best.turns * 90,
    skew: Math.round(best.skew * 100) / 100,
    raster: raster.raster,
  };
}

/** The page picture at no more than `dpi`, as PNG. */
async function picture(request: OcrRequest): Promise<Uint8Array> {
  const raster = await rasterise(request);
  return raster.canvas.toBuffer("image/png");
}

parentPort!.on("message", async ({ id, action, request }: { id: number; action: "read" | "picture"; request: OcrRequest }) => {
  try {
    const result = action === "read" ? await read(request) : await picture(request);
    parentPort!.postMessage({ id, result });
  } catch (error) {
    const code = error instanceof OcrError ? error.code : "ocr_failed";
    parentPort!.postMessage({ id, error: { code, message: error instanceof Error ? error.message : String(error) } });
  }
});
