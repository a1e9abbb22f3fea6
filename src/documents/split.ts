import * as v from "valibot";
import { named } from "../named-schema";
import { UserPattern, WhenInput } from "./extractors/options";
import { pattern, whenMatches, type WhenSpec } from "./extractors/scope";
import type { ParsedDocument } from "./model";

/**
 * Splitting a stacked file (ten invoices scanned back to back) into its documents. Page text decides
 * where one part ends and the next begins, in this order of trust: an `identifier` (the same invoice
 * number keeps pages together, a new one starts a part), a "Page k of n" counter (page 1 starts a
 * part, page k > 1 continues one), a blank separator page (ends the part; the next page starts one),
 * and a type's `when` (a page matching it starts a part). Reads only the document model, so OCR text
 * splits like a text layer.
 */

export const MAX_SPLIT_TYPES = 20;

const TypeName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, _, . or -"));

export const SplitInput = named("SplitOptions", v.strictObject({
  types: v.pipe(
    v.array(v.strictObject({ name: TypeName, when: WhenInput, identifier: v.optional(UserPattern) })),
    v.minLength(1), v.maxLength(MAX_SPLIT_TYPES),
    v.check((types) => new Set(types.map((t) => t.name)).size === types.length, "type names must be distinct"),
  ),
  /** Honour "Page k of n" counters (default true). */
  page_counter: v.optional(v.boolean()),
  /** `separator` (default): a blank page ends a part and belongs to none; `keep`: it stays in the part it falls in. */
  blank_pages: v.optional(v.picklist(["separator", "keep"])),
  /** A part no type matches: kept as a part of type null (default), dropped, or a part in `error`. */
  unclassified: v.optional(v.picklist(["keep", "drop", "error"])),
}));
export type SplitSpec = v.InferOutput<typeof SplitInput>;

/** What started a part: its first page of the document, or the rule that cut before it. */
export type SplitReason = "first_page" | "identifier" | "page_counter" | "blank_page" | "when";

export interface SplitPart {
  /** The matched type's name, or null for an unclassified part. */
  type: string | null;
  /** Indexes into `parsed.pages`, in order. */
  pages: number[];
  identifier: string | null;
  split_reason: SplitReason;
}

/** "Page 2 of 3", "page 2/3", "Seite 2 von 3", "Page 2 sur 3". */
const COUNTER = String.raw`(?i)\b(?:page|p\.|seite|página|pagina)\s*(\d{1,4})\s*(?:of|/|von|sur|de|di)\s*(\d{1,4})\b`;

const isBlank = (text: string) => !/[\p{L}\p{N}]/u.test(text);

function pageCounter(text: string): { page: number; of: number } | null {
  const match = pattern(COUNTER).find(text);
  if (!match) return null;
  const page = Number(match.group(1));
  const of = Number(match.group(2));
  return page >= 1 && page <= of ? { page, of } : null;
}

/** The identifier a page carries for a type: the pattern's first group when it has one, else the whole match. */
function identifierOf(text: string, source: string | undefined): string | null {
  if (!source) return null;
  const compiled = pattern(source);
  const match = compiled.find(text);
  if (!match) return null;
  const value = (compiled.groupCount > 0 ? match.group(1) : match.group(0))?.trim();
  return value ? value : null;
}

type SplitType = SplitSpec["types"][number];

function matchingType(text: string, types: SplitType[]): SplitType | undefined {
  const page = { pages: [text] } as ParsedDocument;
  return types.find((t) => whenMatches(page, t.when as WhenSpec) !== null);
}

/** Cuts the document's pages into parts (blank separator pages belong to none). */
export function splitPages(parsed: ParsedDocument, spec: SplitSpec): SplitPart[] {
  const parts: SplitPart[] = [];
  let current: (SplitPart & { typeSpec?: SplitType }) | null = null;
  let afterBlank = false;
  const start = (page: number, reason: SplitReason, type: SplitType | undefined, identifier: string | null) => {
    current = { type: type?.name ?? null, typeSpec: type, pages: [page], identifier, split_reason: reason };
    parts.push(current);
    afterBlank = false;
  };
  parsed.pages.forEach((text, page) => {
    if (isBlank(text) && spec.blank_pages !== "keep") {
      afterBlank ||= current !== null;
      current = null;
      return;
    }
    const type = matchingType(text, spec.types);
    const open = current as (SplitPart & { typeSpec?: SplitType }) | null;
    const identifier = identifierOf(text, (type ?? open?.typeSpec)?.identifier);
    const counter = spec.page_counter === false ? null : pageCounter(text);
    const reason = cutReason(open, { type, identifier, counter, afterBlank });
    if (reason) return start(page, reason, type, identifier);
    open!.pages.push(page);
    if (!open!.type && type) Object.assign(open!, { type: type.name, typeSpec: type });
    open!.identifier ??= identifier;
  });
  return parts.map(({ type, pages, identifier, split_reason }) => ({ type, pages, identifier, split_reason }));
}

/** Whether a page starts a new part, and by which rule; null when it continues the open one. */
function cutReason(
  open: SplitPart | null,
  page: { type: SplitType | undefined; identifier: string | null; counter: { page: number } | null; afterBlank: boolean },
): SplitReason | null {
  if (!open) return page.afterBlank ? "blank_page" : "first_page";
  if (page.identifier && open.identifier) return page.identifier === open.identifier ? null : "identifier";
  if (page.counter) return page.counter.page === 1 ? "page_counter" : null;
  if (page.type) return "when";
  return null;
}

/**
 * The part as a document of its own: its pages, and of everything else only what sits on them, with
 * page indexes renumbered from 0. `page_numbers` keep the source page numbers.
 */
export function partDocument(parsed: ParsedDocument, pages: number[]): Omit<ParsedDocument, "content_hash"> {
  const index = new Map(pages.map((p, i) => [p, i]));
  const pick = <T>(list: T[] | undefined) => (list ? pages.map((p) => list[p]) : undefined);
  const sourceNumbers = parsed.page_numbers ?? parsed.pages.map((_, i) => i);
  const tables = parsed.tables.map((t, i) => ({ t, i })).filter(({ t }) => index.has(t.page ?? 0));
  const tableIndex = new Map(tables.map(({ i }, j) => [i, j]));
  const part: Omit<ParsedDocument, "content_hash"> = {
    mime_type: parsed.mime_type,
    filename: parsed.filename,
    pages: pages.map((p) => parsed.pages[p]),
    page_numbers: pages.map((p) => sourceNumbers[p]),
    tables: tables.map(({ t }) => ({ ...t, page: index.get(t.page ?? 0) })),
  };
  if (parsed.page_info) part.page_info = pick(parsed.page_info);
  if (parsed.words) part.words = pick(parsed.words);
  if (parsed.word_confidence) part.word_confidence = pick(parsed.word_confidence);
  if (parsed.rules) part.rules = pick(parsed.rules);
  if (parsed.marks) {
    part.marks = parsed.marks
      .filter((m) => index.has(m.page ?? 0) && (m.table === undefined || tableIndex.has(m.table)))
      .map((m) => ({ ...m, page: index.get(m.page ?? 0), ...(m.table === undefined ? {} : { table: tableIndex.get(m.table) }) }));
  }
  if (parsed.asides) part.asides = parsed.asides.filter((a) => index.has(a.page)).map((a) => ({ ...a, page: index.get(a.page)! }));
  return part;
}
