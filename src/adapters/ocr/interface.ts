/**
 * Reads the text of a page that has none to give: an image, a frame of a TIFF, or a PDF page without a
 * usable text layer. The Node implementation (./threads.ts) rasterises and recognises in worker threads;
 * a runtime without one (the Worker) has no reader and such documents end in `ocr_unavailable`.
 */
export interface OcrRequest {
  kind: "image" | "pdf";
  bytes: Uint8Array;
  /** Zero-based page (PDF page or TIFF frame; 0 for other images). */
  page: number;
  /** Tesseract language codes, e.g. ["eng", "deu"]. */
  languages: string[];
  /** Resolution a PDF page is rendered at, and the resolution an image is taken to have. */
  dpi: number;
}

/** A recognised word: its box in PDF points (origin top-left of the upright page), its line's box, its confidence 0–1. */
export interface OcrWord {
  text: string;
  box: [number, number, number, number];
  line: [number, number, number, number];
  confidence: number;
}

export interface OcrPage {
  /** The upright page's size in points. */
  width: number;
  height: number;
  dpi: number;
  words: OcrWord[];
  /** Quarter turns applied to make the text upright (0, 90, 180, 270) and the skew removed, in degrees. */
  rotation: number;
  skew: number;
  /** How the page picture was obtained: the page's only image taken as it is, or the page rendered. */
  raster: "image" | "extracted" | "rendered";
}

/** Why a page could not be read: the codes documents end with. */
export type OcrErrorCode = "ocr_failed" | "ocr_timeout" | "ocr_unavailable" | "image_too_large" | "invalid_image";

export class OcrError extends Error {
  constructor(readonly code: OcrErrorCode, message: string) {
    super(message);
  }
}

export interface PageReader {
  /** The engine's name and version, recorded on each OCR page. */
  readonly engine: string;
  read(request: OcrRequest): Promise<OcrPage>;
  /** Its page picture as PNG (for the review console), at a modest resolution. */
  picture(request: OcrRequest): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The languages whose data ships with the project (npm `@tesseract.js-data/<code>`). */
export const OCR_LANGUAGES = ["eng", "deu", "fra", "nld", "spa", "ita", "por"] as const;
