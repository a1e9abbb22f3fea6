import type * as Pdfjs from "unpdf/pdfjs";
import { PermanentPhaseError, type WordBoxes } from "../model";
import { layoutPage, type TextPiece } from "./layout";

interface TextItem {
  str?: string;
  transform?: number[];
  width?: number;
}

/** A pdf.js text item on the displayed page (rotation applied, origin top-left), via the viewport transform. */
function pieceOf(item: TextItem, view: number[]): TextPiece | null {
  const t = item.transform;
  if (!item.str?.trim() || !t) return null;
  const a = view[0] * t[0] + view[2] * t[1];
  const b = view[1] * t[0] + view[3] * t[1];
  const c = view[0] * t[2] + view[2] * t[3];
  const d = view[1] * t[2] + view[3] * t[3];
  const x = view[0] * t[4] + view[2] * t[5] + view[4];
  const y = view[1] * t[4] + view[3] * t[5] + view[5];
  const piece = { text: item.str, x, y, angle: Math.atan2(b, a), width: item.width ?? 0, size: Math.hypot(c, d) };
  return [piece.x, piece.y, piece.angle, piece.width, piece.size].every(Number.isFinite) ? piece : null;
}

export type PdfjsLoader = () => Promise<typeof Pdfjs>;

// pdf.js is 1.6 MB of script, imported on the first PDF only: a runtime that compiles modules at
// start-up (workerd) gets it as a module of its own through loadPdfjsWith (src/entry/worker.ts).
let loadPdfjs: PdfjsLoader = () => import("unpdf/pdfjs");

/** Where pdf.js comes from, for an entry whose runtime loads it as a separate module. */
export function loadPdfjsWith(loader: PdfjsLoader): void {
  loadPdfjs = loader;
}

/**
 * Layout-faithful text and word boxes per page (see ./layout.ts) from the text items of pdf.js
 * (unpdf's build for edge runtimes). Only the pages in `selected` (zero-based) are read, so a page
 * range also bounds the work.
 */
export async function parsePdf(bytes: Uint8Array, selected: (pageCount: number) => number[]) {
  const { getDocument } = await loadPdfjs();
  let pdf: Pdfjs.PDFDocumentProxy;
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given; the caller keeps its bytes.
    // unpdf's defaults: no eval (Workers forbid it), system fonts rather than fetching font data.
    pdf = await getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: true }).promise;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") throw new PermanentPhaseError("encrypted_pdf", "the PDF is encrypted");
    throw new PermanentPhaseError("invalid_pdf", `the PDF could not be read: ${(error as Error).message}`);
  }
  try {
    const pageNumbers = selected(pdf.numPages);
    const pages: string[] = [];
    const words: WordBoxes[] = [];
    const sizes: Array<{ width: number; height: number }> = [];
    for (const index of pageNumbers) {
      const page = await pdf.getPage(index + 1);
      const viewport = page.getViewport({ scale: 1 });
      const view = viewport.transform;
      sizes.push({ width: Math.round(viewport.width * 10) / 10, height: Math.round(viewport.height * 10) / 10 });
      const content = await page.getTextContent();
      const pieces = (content.items as TextItem[]).map((item) => pieceOf(item, view)).filter((p) => p !== null);
      const layout = layoutPage(pieces);
      pages.push(layout.text);
      words.push(layout.words);
    }
    return { pages, words, sizes, pageNumbers, pageCount: pdf.numPages };
  } finally {
    await pdf.destroy();
  }
}
