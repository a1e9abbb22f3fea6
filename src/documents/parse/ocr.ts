/**
 * Scanned pages into the one document model: the pages a parse left without usable text (images, PDF
 * pages without a text layer, or every page under `mode: "always"`) are read by the page reader, and
 * their words go through the same layout builder as a PDF's text (./layout.ts), so extractors, tables,
 * boxes and renderings work on scans unchanged. Runs after parseBytes, outside its sandbox: the reader
 * has its own threads, time limit per page and pixel bounds (adapters/ocr).
 */
import { OcrError, type OcrPage, type PageReader } from "../../adapters/ocr/interface";
import { PermanentPhaseError, WORD_STRIDE, type PageInfo, type ParsedDocument } from "../model";
import { layoutPage, type TextPiece } from "./layout";

export interface OcrOptions {
  mode: "auto" | "always" | "never";
  languages: string[];
  dpi: number;
}

export const DEFAULT_OCR: OcrOptions = { mode: "auto", languages: ["eng"], dpi: 300 };
export const OCR_DPI = { min: 72, max: 600 } as const;

/**
 * A page's text layer is usable from this many letters or digits: a scan's stamped page number ("- 2 -") is
 * not one, a born-digital page with two words is. A scan stamped with more (a Bates number) needs `mode: "always"`.
 */
const USABLE_CHARACTERS = 3;

const usable = (text: string) => (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= USABLE_CHARACTERS;

/** Words as positioned pieces: each on its line's baseline, sized by its line, so a line reads as one row. */
function piecesOf(page: OcrPage): TextPiece[] {
  return page.words.map((word) => {
    const size = Math.max(1, (word.line[3] - word.line[1]) * 0.8);
    return { text: word.text, x: word.box[0], y: word.line[3] - 0.2 * size, angle: 0, width: word.box[2] - word.box[0], size };
  });
}

/** The confidence of each laid-out word: the mean of the recognised words whose centre falls in its box. */
function confidences(page: OcrPage, words: number[]): number[] {
  const result: number[] = [];
  for (let i = 0; i < words.length; i += WORD_STRIDE) {
    const [x0, y0, x1, y1] = words.slice(i + 2, i + 6);
    const inside = page.words.filter((w) => {
      const cx = (w.box[0] + w.box[2]) / 2;
      const cy = (w.line[1] + w.line[3]) / 2;
      return cx >= x0 - 1 && cx <= x1 + 1 && cy >= y0 - 1 && cy <= y1 + 1;
    });
    const mean = inside.reduce((s, w) => s + w.confidence, 0) / (inside.length || 1);
    result.push(Math.round((inside.length ? mean : 0) * 1000) / 1000);
  }
  return result;
}

/**
 * Below this mean word confidence a page is taken to hold no text: what tesseract "reads" in noise, a
 * photo or a blank page's grain scores 0.2–0.35, while degraded real text keeps above 0.6.
 */
const READABLE_CONFIDENCE = 0.45;

const unreadable = (page: OcrPage) =>
  page.words.reduce((sum, w) => sum + w.confidence, 0) / (page.words.length || 1) < READABLE_CONFIDENCE;

export interface ScanSource {
  kind: "image" | "pdf";
  bytes: Uint8Array;
}

/** The pages to read: every page always, none never, else those without a usable text layer. */
export function pagesToRead(parsed: Omit<ParsedDocument, "content_hash">, mode: OcrOptions["mode"]): number[] {
  if (mode === "never") return [];
  return parsed.pages.flatMap((text, i) => (mode === "always" || !usable(text) ? [i] : []));
}

function describe(error: unknown, page: number): PermanentPhaseError {
  const code = error instanceof OcrError ? error.code : "ocr_failed";
  const message = error instanceof Error ? error.message : String(error);
  return new PermanentPhaseError(code, `page ${page}: ${message}`);
}

/** A page needs OCR and this runtime has no reader: the engine may hand the phase to one (READER_URL) before failing. */
export class ReaderNeeded extends PermanentPhaseError {
  constructor(page: number, unavailable: string) {
    super("ocr_unavailable", `page ${page} needs OCR, which this deployment does not run: ${unavailable}`);
  }
}

/**
 * Reads the pages that need it and returns the parse with their text, words, confidences and page info.
 * Without a reader such pages end the document in `ocr_unavailable` (`unavailable` says what to set).
 */
export async function readScannedPages<T extends Omit<ParsedDocument, "content_hash">>(
  parsed: T, source: ScanSource, options: OcrOptions, reader: PageReader | null, unavailable: string,
): Promise<T> {
  const todo = pagesToRead(parsed, options.mode);
  const pages = [...parsed.pages];
  const words = parsed.words ? [...parsed.words] : parsed.pages.map(() => []);
  const confidence = parsed.word_confidence ? [...parsed.word_confidence] : parsed.pages.map(() => []);
  const info: PageInfo[] = parsed.page_info ? [...parsed.page_info] : parsed.pages.map(() => ({ source: "text_layer" }));
  for (const index of todo) {
    const page = parsed.page_numbers?.[index] ?? index;
    if (!reader) throw new ReaderNeeded(page, unavailable);
    let read: OcrPage;
    try {
      read = await reader.read({ kind: source.kind, bytes: source.bytes, page, languages: options.languages, dpi: options.dpi });
    } catch (error) {
      throw describe(error, page);
    }
    const layout = layoutPage(piecesOf(unreadable(read) ? { ...read, words: [] } : read));
    pages[index] = layout.text;
    words[index] = layout.words;
    confidence[index] = confidences(read, layout.words);
    const mean = confidence[index].reduce((s, c) => s + c, 0) / (confidence[index].length || 1);
    info[index] = {
      source: "ocr", width: Math.round(read.width * 10) / 10, height: Math.round(read.height * 10) / 10,
      ocr: { engine: reader.engine, languages: options.languages, dpi: read.dpi, confidence: Math.round(mean * 1000) / 1000, rotation: read.rotation, skew: read.skew },
    };
  }
  if (pages.every((text) => text.trim() === "")) {
    const why = options.mode === "never" ? " (ocr.mode is never)" : "";
    throw new PermanentPhaseError("no_text", `no text was found on the selected pages${why}`);
  }
  const scanned = todo.length > 0;
  return { ...parsed, pages, words, page_info: info, ...(scanned ? { word_confidence: confidence } : {}) };
}
