import { PermanentPhaseError, type PageAside } from "../model";
import { guardArchive, xmlPart } from "./ooxml";
import { htmlPages, type PagedDocument } from "./paged";
import { paragraphs, parseXml } from "./xml";
import type { ZipArchive } from "./zip";

type Mammoth = typeof import("mammoth");
export type MammothLoader = () => Promise<{ default: Mammoth }>;
// Imported on the first Word document; the Worker loads it as a module of its own (src/entry/worker.ts).
let loadMammoth: MammothLoader = () => import("mammoth");
export function loadMammothWith(loader: MammothLoader): void {
  loadMammoth = loader;
}

// mammoth maps Word's explicit page breaks to this rule; the HTML is cut there into pages.
const PAGE_BREAK = '<hr class="sluice-page-break" />';
const STYLE_MAP = ["br[type='page'] => hr.sluice-page-break:fresh"];

/** The running headers and footers (word/header*.xml, word/footer*.xml), which mammoth leaves out, as asides of the first page. */
function headersAndFooters(zip: ZipArchive): PageAside[] {
  const asides: PageAside[] = [];
  for (const name of zip.names().sort()) {
    const kind = /^word\/(header|footer)\d*\.xml$/.exec(name)?.[1] as "header" | "footer" | undefined;
    const xml = kind && xmlPart(zip, name);
    const text = xml ? paragraphs(parseXml(xml), "w:p", "w:t").join("\n") : "";
    if (kind && text) asides.push({ page: 0, kind, text });
  }
  return asides;
}

/**
 * A Word document through mammoth (its HTML: headings, lists, tables) and the HTML parser, so every
 * extractor reads it as it reads HTML: one page per explicit page break, headers and footers apart.
 */
export async function parseDocx(bytes: Uint8Array, zip: ZipArchive): Promise<PagedDocument> {
  guardArchive(zip);
  const { default: mammoth } = await loadMammoth();
  let html: string;
  try {
    // Node's build reads `buffer`, the browser build (the Worker's) `arrayBuffer`.
    const input = { buffer: bytes, arrayBuffer: bytes.slice().buffer } as unknown as { arrayBuffer: ArrayBuffer };
    html = (await mammoth.convertToHtml(input, { styleMap: STYLE_MAP, convertImage: mammoth.images.imgElement(async () => ({ src: "" })) })).value;
  } catch (error) {
    throw new PermanentPhaseError("invalid_document", `the Word document could not be read: ${(error as Error).message}`);
  }
  const doc = htmlPages(html.split(PAGE_BREAK));
  const asides = headersAndFooters(zip);
  return { ...doc, page_info: doc.pages.map(() => ({ source: "markup" as const })), ...(asides.length ? { asides } : {}) };
}
