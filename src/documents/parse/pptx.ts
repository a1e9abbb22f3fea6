import { PermanentPhaseError, type ListItem, type PageAside, type ParsedTable, type TextMark } from "../model";
import { xmlPart } from "./ooxml";
import type { PagedDocument } from "./paged";
import { child, elements, findAll, paragraphs, parseXml, runText, type XmlNode } from "./xml";
import type { ZipArchive } from "./zip";

interface Frame {
  x: number;
  y: number;
  order: number;
  lines?: string[];
  /** Per line: the list item its paragraph's own bullet (`a:buChar`) or number (`a:buAutoNum`) makes it, else null. */
  items?: Array<ListItem | null>;
  title?: boolean;
  table?: ParsedTable;
}

/** Frames whose tops are this close (EMU; a quarter inch) are one row, read left to right. */
const ROW_TOLERANCE = 228_600;

/** A relationship target resolved against the folder of the part that names it. */
function resolve(part: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const path = part.split("/").slice(0, -1);
  for (const step of target.split("/")) {
    if (step === "..") path.pop();
    else if (step !== ".") path.push(step);
  }
  return path.join("/");
}

/** A part's relationships: id → resolved target, and type suffix → targets. */
function relationships(zip: ZipArchive, part: string) {
  const name = resolve(part, `_rels/${part.split("/").pop()}.rels`);
  const xml = xmlPart(zip, name);
  const rels = xml ? findAll(parseXml(xml), "Relationship") : [];
  return rels.map((r) => ({ id: r.attribs?.Id ?? "", type: r.attribs?.Type ?? "", target: resolve(part, r.attribs?.Target ?? "") }));
}

/** The slides in presentation order (`p:sldIdLst`), as part names. */
export function slideParts(zip: ZipArchive): string[] {
  const xml = xmlPart(zip, "ppt/presentation.xml");
  if (!xml) throw new PermanentPhaseError("invalid_document", "the presentation has no ppt/presentation.xml");
  const byId = new Map(relationships(zip, "ppt/presentation.xml").map((r) => [r.id, r.target]));
  return findAll(parseXml(xml), "p:sldId").map((s) => byId.get(s.attribs?.["r:id"] ?? "")).filter((t): t is string => t !== undefined);
}

const offset = (node: XmlNode) => {
  const off = findAll(node, "a:off")[0]?.attribs;
  return off ? { x: Number(off.x) || 0, y: Number(off.y) || 0 } : null;
};

function tableOf(node: XmlNode): ParsedTable {
  const rows = findAll(node, "a:tr").map((tr) => findAll(tr, "a:tc").map((tc) => paragraphs(tc, "a:p", "a:t").join(" ")));
  const [header = [], ...body] = rows;
  return { header, rows: body, method: "markup" };
}

/**
 * A text body's non-blank paragraphs, each with the list item its own properties make it; bullets a
 * placeholder inherits from the slide master are not followed (its text stays paragraphs).
 */
function textLines(body: XmlNode): { lines: string[]; items: Array<ListItem | null> } {
  const lines: string[] = [];
  const items: Array<ListItem | null> = [];
  const next = new Map<number, number>(); // depth → the next number of the numbered list open there
  for (const p of findAll(body, "a:p")) {
    const line = runText(p, "a:t").replace(/\s+/g, " ").trim();
    if (!line) continue;
    const props = child(p, "a:pPr");
    const depth = Math.max(0, Math.min(8, Number.parseInt(props?.attribs?.lvl ?? "0", 10) || 0));
    const numbered = props && child(props, "a:buAutoNum");
    const bulleted = props && child(props, "a:buChar");
    for (const open of [...next.keys()]) if (open > depth || (open === depth && !numbered)) next.delete(open);
    let item: ListItem | null = null;
    if (numbered) {
      const number = next.get(depth) ?? (Number.parseInt(numbered.attribs?.startAt ?? "1", 10) || 1);
      next.set(depth, number + 1);
      item = { ordered: true, depth, number };
    } else if (bulleted) item = { ordered: false, depth, number: 1 };
    lines.push(line);
    items.push(item);
  }
  return { lines, items };
}

/** Text frames and tables of a shape tree, groups flattened, each at its offset (placeholders without one: titles first). */
function framesOf(tree: XmlNode, frames: Frame[] = []): Frame[] {
  for (const node of elements(tree)) {
    if (node.name === "p:grpSp") framesOf(node, frames);
    const placeholder = findAll(node, "p:ph")[0]?.attribs?.type;
    const title = placeholder === "title" || placeholder === "ctrTitle";
    const at = offset(node) ?? { x: 0, y: title ? -2 : -1 };
    if (node.name === "p:sp") {
      const body = child(node, "p:txBody");
      const { lines, items } = body ? textLines(body) : { lines: [], items: [] };
      if (lines.length) frames.push({ ...at, order: frames.length, lines, items, title });
    } else if (node.name === "p:graphicFrame") {
      const table = findAll(node, "a:tbl")[0];
      if (table) frames.push({ ...at, order: frames.length, table: tableOf(table) });
    }
  }
  return frames;
}

const readingOrder = (a: Frame, b: Frame) => (Math.abs(a.y - b.y) > ROW_TOLERANCE ? a.y - b.y : a.x - b.x || a.order - b.order);

/** Speaker notes: the body placeholder of the slide's notes part. */
function notesOf(zip: ZipArchive, slide: string): string {
  const part = relationships(zip, slide).find((r) => r.type.endsWith("/notesSlide"))?.target;
  const xml = part && xmlPart(zip, part);
  if (!xml) return "";
  const bodies = findAll(parseXml(xml), "p:sp").filter((sp) => findAll(sp, "p:ph")[0]?.attribs?.type === "body");
  return bodies.flatMap((sp) => paragraphs(sp, "a:p", "a:t")).join("\n");
}

/**
 * One page per slide of `selected` (zero-based, in presentation order): text frames in reading order
 * (top to bottom, then left to right), tables as tables, the title as a heading, notes apart.
 */
export function parsePptx(zip: ZipArchive, slides: string[], selected: number[]): PagedDocument {
  const doc: Required<Omit<PagedDocument, "page_info">> & Pick<PagedDocument, "page_info"> = { pages: [], tables: [], marks: [], asides: [], page_info: [] };
  selected.forEach((index, page) => {
    const xml = xmlPart(zip, slides[index]);
    if (!xml) throw new PermanentPhaseError("invalid_document", `slide ${index + 1} (${slides[index]}) is missing`);
    const tree = findAll(parseXml(xml), "p:spTree")[0];
    const frames = tree ? framesOf(tree).sort(readingOrder) : [];
    let text = "";
    const mark = (body: string, what: Omit<TextMark, "start" | "end">) => {
      if (text) text += "\n";
      doc.marks.push({ start: text.length, end: text.length + body.length, page, ...what });
      text += body;
    };
    for (const frame of frames) {
      if (frame.table) {
        mark([frame.table.header, ...frame.table.rows].map((r) => r.join("\t")).join("\n"), { table: doc.tables.length });
        doc.tables.push({ ...frame.table, page });
      } else if (!frame.title && frame.items?.some(Boolean)) {
        // Line by line: a bulleted or numbered paragraph is a list item, the others paragraphs.
        frame.lines!.forEach((line, i) => mark(line, frame.items![i] ? { list: frame.items![i]! } : { paragraph: true }));
      } else mark(frame.lines!.join("\n"), frame.title ? { heading: 1 } : { paragraph: true });
    }
    doc.pages.push(text);
    const title = frames.find((f) => f.title)?.lines?.join(" ");
    doc.page_info!.push({ source: "slide", name: title ?? `Slide ${index + 1}` });
    const notes = notesOf(zip, slides[index]);
    if (notes) doc.asides.push({ page, kind: "notes", text: notes } satisfies PageAside);
  });
  return doc;
}
