import * as v from "valibot";
import { reviewItemSource } from "../db/queries/review-console";
import { ApiError } from "../errors";
import type { Services } from "../http/env";
import { inlineBytes, type DocumentSource } from "../pipeline/phases/transfer";
import { Uuid } from "../routes/schema-fields";

/** The picture is for the eye, not for reading: a modest resolution keeps it small and quick (the rasteriser bounds the pixels too). */
export const PICTURE_DPI = 100;

/**
 * The page picture of an OCR page of a review item's document, as PNG, so the console can draw the word
 * boxes over what the scanner saw. Only where a reader runs (Node) and only for inline sources: a URL is
 * not fetched again to draw a picture.
 */
export async function pagePicture(services: Services, organizationId: string, itemId: string, pageParam: string): Promise<Uint8Array> {
  const page = Number(pageParam);
  const found = v.is(Uuid, itemId) && Number.isInteger(page) && page >= 0 ? await reviewItemSource(services.db, organizationId, itemId) : undefined;
  if (!found) throw new ApiError("not_found", "review item not found");
  const at = found.page_numbers ? found.page_numbers.indexOf(page) : page;
  const source = found.source as DocumentSource;
  if (found.page_info?.[at]?.source !== "ocr" || source.kind === "url" || !services.reader) {
    throw new ApiError("not_found", "this page has no picture here (it was not read by OCR, its bytes are not kept, or this deployment has no reader)");
  }
  const kind = found.mime_type === "application/pdf" ? "pdf" : "image";
  return services.reader.picture({ kind, bytes: inlineBytes(source)!, page, languages: [], dpi: PICTURE_DPI });
}
