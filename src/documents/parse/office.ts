import type { ParsedDocument } from "../model";
import type { OfficeKind } from "./ooxml";
import { parseDocx } from "./docx";
import { parseEml, parseMsg, type ParsedMessage } from "./email";
import { keepPages, type PagedDocument } from "./paged";
import { parsePptx, slideParts } from "./pptx";
import { parseXlsx } from "./xlsx";
import { ZipArchive } from "./zip";

type Parsed = Omit<ParsedDocument, "content_hash" | "mime_type" | "filename">;

/** A paged parse with only the selected pages, their numbers kept. */
function selected(doc: PagedDocument, kept: number[]): Parsed {
  return { ...keepPages(doc, kept), page_numbers: kept };
}

function message(mail: ParsedMessage, select: (count: number) => number[]): Parsed {
  select(1);
  return {
    pages: [mail.text], page_numbers: [0], page_info: [{ source: "markup" }], tables: mail.tables,
    ...(mail.marks.length ? { marks: mail.marks } : {}), ...(mail.attachments.length ? { attachments: mail.attachments } : {}),
  };
}

/**
 * Word, PowerPoint and Excel files and e-mails into the document model; `select` turns the page
 * (slide, sheet) count into the pages to keep, or ends the document (page_range, MAX_PAGES). Slides
 * and sheets outside the selection are never parsed.
 */
export async function parseOffice(format: OfficeKind | "eml" | "msg", bytes: Uint8Array, select: (count: number) => number[]): Promise<Parsed> {
  if (format === "eml") return message(await parseEml(bytes), select);
  if (format === "msg") return message(await parseMsg(bytes), select);
  const zip = new ZipArchive(bytes);
  if (format === "docx") {
    const doc = await parseDocx(bytes, zip);
    return selected(doc, select(doc.pages.length));
  }
  if (format === "pptx") {
    const slides = slideParts(zip);
    const kept = select(slides.length);
    return { ...parsePptx(zip, slides, kept), page_numbers: kept };
  }
  let kept: number[] = [];
  const doc = await parseXlsx(bytes, zip, (count) => (kept = select(count)));
  return { ...doc, page_numbers: kept };
}
