import type * as Pdfjs from "unpdf/pdfjs";
import { base64 } from "../../crypto";
import { PermanentPhaseError, WORD_STRIDE, type EmbeddedFile, type WordBoxes } from "../model";
import { layoutPage, type TextPiece } from "./layout";
import type { ParseLimits } from "./limits";
import { droppedGlyphs, restoreGlyphs } from "./pdf-glyphs";
import { pageRules } from "./pdf-rules";
import { checkDecompression } from "./pdf-streams";

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

/** The files embedded in the PDF (attachments, a ZUGFeRD invoice's XML): each becomes a child document. */
async function embeddedFiles(pdf: Pdfjs.PDFDocumentProxy): Promise<EmbeddedFile[]> {
  const found = ((await pdf.getAttachments()) ?? {}) as Record<string, { filename: string; content: Uint8Array }>;
  return Object.values(found).map((file, index) => ({
    filename: file.filename || null, mime_type: null, index, content_base64: base64(file.content),
  }));
}

/**
 * Layout-faithful text and word boxes per page (see ./layout.ts) from the text items of pdf.js
 * (unpdf's build for edge runtimes). Only the pages in `selected` (zero-based) are read, so a page
 * range also bounds the work.
 */
export async function parsePdf(bytes: Uint8Array, selected: (pageCount: number) => number[], limits: ParseLimits) {
  await checkDecompression(bytes, limits);
  const { getDocument } = await loadPdfjs();
  let pdf: Pdfjs.PDFDocumentProxy;
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given; the caller keeps its bytes.
    // unpdf's defaults: no eval (Workers forbid it), system fonts rather than fetching font data.
    // No image is decoded (maxImageSize 0): the parse reads text and rules, and an image codec's
    // output (DCT, JPX, JBIG2) is not counted by checkDecompression. OCR draws pages on its own.
    pdf = await getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: true, maxImageSize: 0, verbosity: 0 }).promise;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") throw new PermanentPhaseError("encrypted_pdf", "the PDF is encrypted");
    throw new PermanentPhaseError("invalid_pdf", `the PDF could not be read: ${(error as Error).message}`);
  }
  try {
    const pageNumbers = selected(pdf.numPages);
    const pages: string[] = [];
    const words: WordBoxes[] = [];
    const rules: number[][] = [];
    const sizes: Array<{ width: number; height: number }> = [];
    const counted = wordCounter(limits.maxWords);
    for (const index of pageNumbers) {
      const page = await readPage(pdf, index);
      sizes.push(page.size);
      counted(page.items.length); // before the layout, which costs more per item than reading it
      const layout = layoutPage(page.items.map((item) => pieceOf(item, page.view)).filter((p) => p !== null));
      counted(layout.words.length / WORD_STRIDE - page.items.length);
      pages.push(layout.text);
      words.push(layout.words);
      rules.push(page.rules);
    }
    return { pages, words, sizes, rules, pageNumbers, pageCount: pdf.numPages, attachments: await embeddedFiles(pdf) };
  } finally {
    await pdf.destroy();
  }
}

/** Counts words against the document's limit as they are read (`too_many_words` past it). */
function wordCounter(max: number) {
  let total = 0;
  return (more: number) => {
    total += Math.max(0, more);
    if (total > max) throw new PermanentPhaseError("too_many_words", `the document has more than ${max} words`);
  };
}

/** One page's text items; a page pdf.js cannot read (a circular page tree, a broken stream) is a corrupt PDF, retried in vain. */
async function readPage(pdf: Pdfjs.PDFDocumentProxy, index: number) {
  try {
    const page = await pdf.getPage(index + 1);
    const viewport = page.getViewport({ scale: 1 });
    const view = viewport.transform;
    const size = { width: Math.round(viewport.width * 10) / 10, height: Math.round(viewport.height * 10) / 10 };
    const operators = await page.getOperatorList();
    const items = restoreGlyphs((await page.getTextContent()).items as TextItem[], droppedGlyphs(operators));
    const rules = pageRules(operators, view);
    page.cleanup(); // drops the page's fonts and operator lists: a long document's pages do not pile up
    return { view, size, items, rules };
  } catch (error) {
    throw new PermanentPhaseError("invalid_pdf", `page ${index + 1} of the PDF could not be read: ${(error as Error).message}`);
  }
}
