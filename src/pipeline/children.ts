import { sha256Hex } from "../crypto";
import type { EmbeddedFile } from "../documents/model";
import { partDocument, splitPages, type SplitSpec } from "../documents/split";
import { PermanentPhaseError, type ParsedDocument } from "./types";

/**
 * Child documents: what a parsed document makes of the files it holds (an e-mail's attachments) and
 * of a split into parts. Pure: the transfer commit inserts them in the same statement that advances
 * their parent, so a duplicate delivery of the parent makes no second set.
 */

/** Children one document may make (attachments and parts together); more is an error, never a truncation. */
export const MAX_CHILD_DOCUMENTS = 200;
/** How deep attachments nest: a mail (depth 0) → its attachment (1) → an attached mail's attachment (2) → (3). */
export const MAX_CHILD_DEPTH = 3;

export interface ChildDocument {
  /** The child's name under its parent, stable across reruns: `attachment:<index>` or `part:<index>`. */
  key: string;
  filename: string | null;
  mime_type: string | null;
  /** An attachment's bytes, parsed by its own transfer; a part has none (it is parsed already). */
  source: { kind: "base64"; data: string } | { kind: "part" };
  /** A part's parse (it starts at the phase after transfer); null for an attachment (it starts at transfer). */
  parsed: ParsedDocument | null;
  page_count: number | null;
  phase_index: number;
  attachment: { filename: string | null; mime_type: string | null; index: number } | null;
  part: { index: number; type: string | null; pages: [number, number]; identifier: string | null; split_reason: string } | null;
  content_hash: string;
}

export interface ChildrenResult {
  /** The parent's parse as stored: attachments keep their names, their bytes live on in the children. */
  parsed: ParsedDocument;
  children: ChildDocument[];
  /** Parts the document was split into, or null when it was not split. */
  splitCount: number | null;
}

function attachmentChild(file: EmbeddedFile): ChildDocument {
  const meta = { filename: file.filename, mime_type: file.mime_type, index: file.index };
  return {
    key: `attachment:${file.index}`, filename: file.filename, mime_type: file.mime_type,
    source: { kind: "base64", data: file.content_base64 }, parsed: null, page_count: null, phase_index: 0,
    attachment: meta, part: null, content_hash: "",
  };
}

async function partChildren(parsed: ParsedDocument, split: SplitSpec): Promise<ChildDocument[]> {
  let parts = splitPages(parsed, split);
  const unclassified = parts.filter((p) => p.type === null);
  if (unclassified.length > 0 && split.unclassified === "error") {
    const pages = unclassified.map((p) => `${p.pages[0]}-${p.pages[p.pages.length - 1]}`).join(", ");
    throw new PermanentPhaseError("unclassified_pages", `no split type matches the part(s) on pages ${pages} (unclassified: "error")`);
  }
  if (split.unclassified === "drop") parts = parts.filter((p) => p.type !== null);
  const numbers = parsed.page_numbers ?? parsed.pages.map((_, i) => i);
  return Promise.all(parts.map(async (p, index) => {
    const body = partDocument(parsed, p.pages);
    const contentHash = await sha256Hex(JSON.stringify([body.page_numbers, body.pages]));
    return {
      key: `part:${index}`, filename: parsed.filename, mime_type: parsed.mime_type, source: { kind: "part" as const },
      parsed: { ...body, content_hash: contentHash }, page_count: body.pages.length, phase_index: 1, attachment: null,
      part: { index, type: p.type, pages: [numbers[p.pages[0]], numbers[p.pages[p.pages.length - 1]]], identifier: p.identifier, split_reason: p.split_reason },
      content_hash: contentHash,
    };
  }));
}

/** The children a freshly parsed document makes, within the bounds. */
export async function childrenOf(parsed: ParsedDocument, split: SplitSpec | undefined, depth: number): Promise<ChildrenResult> {
  const files = parsed.attachments ?? [];
  if (files.length > 0 && depth >= MAX_CHILD_DEPTH) {
    throw new PermanentPhaseError("attachments_too_deep", `attachments nest deeper than ${MAX_CHILD_DEPTH} levels`);
  }
  if (files.length > MAX_CHILD_DOCUMENTS) {
    throw new PermanentPhaseError("too_many_child_documents", `${files.length} attachments; a document may make at most ${MAX_CHILD_DOCUMENTS} child documents`);
  }
  const attachments = await Promise.all(files.map(async (file) => ({ ...attachmentChild(file), content_hash: await sha256Hex(file.content_base64) })));
  const parts = split ? await partChildren(parsed, split) : [];
  const children = [...attachments, ...parts];
  if (children.length > MAX_CHILD_DOCUMENTS) {
    throw new PermanentPhaseError("too_many_child_documents", `${children.length} child documents; a document may make at most ${MAX_CHILD_DOCUMENTS}`);
  }
  const stored = files.length > 0 ? { ...parsed, attachments: files.map((f) => ({ ...f, content_base64: "" })) } : parsed;
  return { parsed: stored, children, splitCount: split ? parts.length : null };
}
