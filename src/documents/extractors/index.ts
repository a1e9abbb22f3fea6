import type { FieldType } from "../field-types";
import { spanBox, type Candidate, type ParsedDocument, type Provenance } from "../model";
import { originalSpan, prepareText, type PreprocessStep } from "../preprocess";
import { extractJsonPointer } from "./json-pointer";
import { extractLabel, type LabelContext } from "./label";
import { extractMetadata } from "./metadata";
import { extractRegex } from "./regex";
import type { Extractor } from "./schema";
import { regionSegments, selectedPages, whenMatches } from "./scope";
import { withHeaderRows } from "./header-row";
import { extractTable } from "./table";
import { ocrProvenance, ocrWeighted } from "./ocr-confidence";

type TextExtractor = Extract<Extractor, { type: "label" | "regex" }>;

/**
 * Runs one extractor of a field over a parsed document; every candidate carries its provenance,
 * with the page numbered as in the source even when a page_range kept only some pages, and on
 * PDFs the box of the words its span covers. An extractor whose `when` fails yields nothing; the
 * `when` that held is named in provenance.
 */
export function runExtractor(
  extractor: Extractor, parsed: ParsedDocument, type: FieldType, fieldSteps: readonly PreprocessStep[] = [], context: LabelContext = {},
): Candidate[] {
  const matched = extractor.when ? whenMatches(parsed, extractor.when) : undefined;
  if (matched === null) return [];
  const isText = extractor.type === "label" || extractor.type === "regex";
  const found = isText ? extractText(extractor, parsed, type, fieldSteps, context) : extract(extractor, parsed, type, context);
  // `all` takes every match in document order; otherwise the extractor's order (a label's likeliest first) stands.
  if (isText && extractor.all) found.sort((a, b) => a.provenance.page - b.provenance.page || (a.provenance.start ?? 0) - (b.provenance.start ?? 0));
  return found.map((c) => ocrWeighted({ ...c, provenance: { ...located(c.provenance, parsed), ...(matched ? { when: matched } : {}) } }));
}


/** Provenance as a reader of the source sees it: the source's page number, and the box when the parse kept word boxes. */
export function located(provenance: Provenance, parsed: ParsedDocument): Provenance {
  const { page, start, end } = provenance;
  const words = parsed.words?.[page];
  const bbox = words && start !== undefined && end !== undefined ? spanBox(words, start, end) : null;
  return { ...provenance, page: parsed.page_numbers?.[page] ?? page, ...(bbox ? { bbox } : {}), ...ocrProvenance(parsed, page, start, end) };
}

function extract(extractor: Extractor, parsed: ParsedDocument, type: FieldType, context: LabelContext): Candidate[] {
  switch (extractor.type) {
    case "label": return extractLabel(parsed, extractor.labels, type, context);
    case "regex": return extractRegex(parsed, extractor.pattern, extractor.flags, extractor.group);
    case "table": return extractor.column === undefined ? [] : extractTable(withHeaderRows(parsed, extractor.header_row), { ...extractor, column: extractor.column });
    case "json_pointer": return extractJsonPointer(parsed, extractor.pointer);
    case "metadata": return extractMetadata(parsed, extractor.key);
    case "rows": return []; // line items only: see ./items.ts
    case "llm": return []; // one model call per document reads these fields: see pipeline/model-pass.ts
    case "constant": return [{ value: extractor.value, confidence: 1, provenance: { extractor: "constant", page: 0 } }];
  }
}

/**
 * A text extractor searches its region of its pages, prepared by the field's then its own
 * `preprocess` steps; spans found in that text are mapped back to the original page text.
 */
function extractText(
  extractor: TextExtractor, parsed: ParsedDocument, type: FieldType, fieldSteps: readonly PreprocessStep[], context: LabelContext,
): Candidate[] {
  const steps = [...fieldSteps, ...(extractor.preprocess ?? [])];
  const scoped = extractor.after || extractor.before || extractor.pages !== undefined;
  if (steps.length === 0 && !scoped) return extract(extractor, parsed, type, context);
  const segments = regionSegments(parsed, selectedPages(parsed, extractor.pages), extractor.after, extractor.before);
  const texts = segments.map((s) => parsed.pages[s.page].slice(s.start, s.end));
  const prepared = texts.map((text) => prepareText(text, steps));
  // Word boxes line up only with a whole page left as it is; a cut or rewritten text reads without them.
  const words = segments.map((s, i) => (prepared[i] || s.start > 0 ? [] : parsed.words?.[s.page] ?? []));
  const view: ParsedDocument = { ...parsed, pages: prepared.map((p, i) => p?.text ?? texts[i]), words };
  return extract(extractor, view, type, context).map((c) => {
    const segment = segments[c.provenance.page];
    const [start, end] = originalSpan(prepared[c.provenance.page], c.provenance.start ?? 0, c.provenance.end ?? 0);
    const provenance = { ...c.provenance, page: segment.page, start: segment.start + start, end: segment.start + end };
    return { ...c, provenance };
  });
}
