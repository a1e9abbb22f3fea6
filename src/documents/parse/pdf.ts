import { getDocumentProxy } from "unpdf";
import { PermanentPhaseError } from "../model";

interface TextItem {
  str?: string;
  hasEOL?: boolean;
}

/**
 * Text per page through unpdf (pdf.js built for edge runtimes). Only the pages in `selected`
 * (zero-based) are read, so a page range also bounds the work.
 */
export async function parsePdf(bytes: Uint8Array, selected: (pageCount: number) => number[]) {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given; the caller keeps its bytes.
    pdf = await getDocumentProxy(bytes.slice());
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") throw new PermanentPhaseError("encrypted_pdf", "the PDF is encrypted");
    throw new PermanentPhaseError("invalid_pdf", `the PDF could not be read: ${(error as Error).message}`);
  }
  try {
    const pageNumbers = selected(pdf.numPages);
    const pages: string[] = [];
    for (const index of pageNumbers) {
      const page = await pdf.getPage(index + 1);
      const content = await page.getTextContent();
      pages.push((content.items as TextItem[]).map((item) => `${item.str ?? ""}${item.hasEOL ? "\n" : ""}`).join("").trim());
    }
    return { pages, pageNumbers, pageCount: pdf.numPages };
  } finally {
    await pdf.destroy();
  }
}
