import { spanBox, WORD_STRIDE, type WordBoxes } from "../documents/model";
import type { FC } from "hono/jsx";
import type { Candidate, Provenance } from "../pipeline/types";

/** Characters of source text shown either side of the candidate's span. */
const CONTEXT_CHARS = 320;
/** The text-grid fallback: one character cell of a layout-faithful page, in SVG units. */
const CHAR_W = 6;
const LINE_H = 13;
/** Page units to CSS pixels; the stylesheet shrinks the page to fit narrower screens. */
const ZOOM = 1.4;

type Box = [number, number, number, number];
interface Word { text: string; bbox: Box }

/** Words drawn on one page at most (those around the candidate); a page of 200,000 words stays a small SVG. */
export const MAX_DRAWN_WORDS = 2000;

/** The smallest page drawn (US Letter, in points): word boxes give where text is, not the paper's size. */
const MIN_PAGE: [number, number] = [612, 792];

/**
 * What the console needs from a stored parse. PDF parses keep each page's words with their boxes
 * (PDF points, origin top-left; documents/model.ts `WordBoxes`); older parses have text only.
 */
export interface ParsedEvidence {
  mime_type?: string;
  filename?: string | null;
  pages?: string[];
  page_numbers?: number[];
  words?: WordBoxes[];
  page_info?: Array<{ source?: string; width?: number; height?: number; ocr?: { rotation?: number } }>;
}

export type EvidenceProvenance = Provenance & { bbox?: Box };

/** The index into `pages` of a source page number (they differ under a page_range). */
export function pageIndex(parsed: ParsedEvidence, page: number): number {
  const at = parsed.page_numbers ? parsed.page_numbers.indexOf(page) : page;
  return at >= 0 && at < (parsed.pages?.length ?? 0) ? at : -1;
}

/** The source text around the span, split so the span itself can be highlighted. */
export function spanContext(text: string, start: number, end: number) {
  const from = Math.max(0, start - CONTEXT_CHARS);
  const to = Math.min(text.length, end + CONTEXT_CHARS);
  return {
    before: `${from > 0 ? "…" : ""}${text.slice(from, start)}`,
    span: text.slice(start, end),
    after: `${text.slice(end, to)}${to < text.length ? "…" : ""}`,
  };
}

export const SourceText: FC<{ parsed: ParsedEvidence; provenance?: EvidenceProvenance }> = ({ parsed, provenance }) => {
  const at = provenance ? pageIndex(parsed, provenance.page) : -1;
  const text = at >= 0 ? parsed.pages![at] : undefined;
  if (!provenance || text === undefined) return <p class="note">No source text is stored for this value.</p>;
  if (provenance.start === undefined || provenance.end === undefined) {
    return <p class="note">Found by <b>{provenance.extractor}</b> at {describeSource(provenance)}.</p>;
  }
  const part = spanContext(text, provenance.start, provenance.end);
  return (
    <figure>
      <figcaption class="note">Page {provenance.page + 1}, characters {provenance.start}–{provenance.end}</figcaption>
      <pre class="source" tabindex={0}>{part.before}<mark>{part.span}</mark>{part.after}</pre>
    </figure>
  );
};

export function describeSource(p: Provenance): string {
  if (p.pointer !== undefined) return `JSON pointer ${p.pointer || "/"}`;
  if (p.table !== undefined) return `table ${p.table + 1}, row ${(p.row ?? 0) + 1}, column ${p.column ?? "?"}`;
  if (p.key !== undefined) return `metadata ${p.key}`;
  return `page ${p.page + 1}`;
}

interface PageLayout { width: number; height: number; words: Word[]; box?: Box; total: number }

/** The largest value of `pick` over `items`, in a loop: spreading a large array into Math.max overflows the stack. */
function largest<T>(items: T[], pick: (item: T) => number, floor: number): number {
  let max = floor;
  for (const item of items) max = Math.max(max, pick(item));
  return max;
}

/** At most MAX_DRAWN_WORDS words (in text order), centred on the first one at or after `offset`. */
function around(words: Word[], starts: number[], offset: number | undefined): Word[] {
  if (words.length <= MAX_DRAWN_WORDS) return words;
  let first = offset === undefined ? 0 : starts.findIndex((start) => start >= offset);
  if (first < 0) first = words.length - 1;
  const from = Math.max(0, Math.min(first - MAX_DRAWN_WORDS / 2, words.length - MAX_DRAWN_WORDS));
  return words.slice(from, from + MAX_DRAWN_WORDS);
}

/** Words laid out on a character grid from layout-faithful text, for parses without word boxes. */
function gridLayout(text: string, provenance: EvidenceProvenance): PageLayout {
  const lines = text.split("\n");
  const words: Word[] = [];
  const starts: number[] = [];
  let offset = 0;
  let box: Box | undefined;
  lines.forEach((line, row) => {
    for (const m of line.matchAll(/\S+/g)) {
      const col = m.index ?? 0;
      words.push({ text: m[0], bbox: [col * CHAR_W, row * LINE_H, (col + m[0].length) * CHAR_W, (row + 1) * LINE_H] });
      starts.push(offset + col);
    }
    const { start, end } = provenance;
    if (start !== undefined && end !== undefined && start >= offset && start <= offset + line.length) {
      const last = Math.min(end - offset, line.length);
      box = [(start - offset) * CHAR_W - 2, row * LINE_H - 1, last * CHAR_W + 2, (row + 1) * LINE_H + 2];
    }
    offset += line.length + 1;
  });
  const width = largest(lines, (l) => l.length, 60) * CHAR_W;
  return { width, height: Math.max(lines.length, 10) * LINE_H + 20, words: around(words, starts, provenance.start), box, total: words.length };
}

/** The stored words of a page, each with its text (a slice of the page text) and its box. */
function boxedWords(text: string, flat: WordBoxes): Word[] {
  const words: Word[] = [];
  for (let i = 0; i + WORD_STRIDE <= flat.length; i += WORD_STRIDE) {
    words.push({ text: text.slice(flat[i], flat[i + 1]), bbox: [flat[i + 2], flat[i + 3], flat[i + 4], flat[i + 5]] });
  }
  return words;
}

function layoutOf(parsed: ParsedEvidence, at: number, provenance: EvidenceProvenance): PageLayout {
  const text = parsed.pages?.[at] ?? "";
  const flat = parsed.words?.[at];
  if (!flat || flat.length < WORD_STRIDE) return gridLayout(text, provenance);
  const words = boxedWords(text, flat);
  const right = largest(words, (w) => w.bbox[2], 0);
  const bottom = largest(words, (w) => w.bbox[3], 0);
  const starts = words.map((_, i) => flat[i * WORD_STRIDE]);
  // The extractor's box when it stored one, else the union of the boxes of the words the span covers.
  const { start, end } = provenance;
  const box = provenance.bbox ?? (start !== undefined && end !== undefined ? spanBox(flat, start, end) ?? undefined : undefined);
  const drawn = around(words, starts, start);
  return { width: Math.max(MIN_PAGE[0], right + 36), height: Math.max(MIN_PAGE[1], bottom + 36), words: drawn, box, total: words.length };
}

/** An OCR page's picture (at `picturesAt` + the page number) under its word boxes; a page turned upright by OCR is drawn from its words only. */
function pictureOf(parsed: ParsedEvidence, at: number, page: number, picturesAt: string | undefined) {
  const href = picturesAt && `${picturesAt}${page}`;
  const info = parsed.page_info?.[at];
  if (!href || info?.source !== "ocr" || !info.width || !info.height || info.ocr?.rotation) return undefined;
  return { href, width: info.width, height: info.height };
}

/**
 * The page as a box layout of its words, with the candidate's box drawn: served as SVG, no rasteriser needed.
 * An OCR page shows what the scanner saw: its picture, with the words read from it outlined over it.
 */
export const PageView: FC<{ parsed: ParsedEvidence; provenance?: EvidenceProvenance; picturesAt?: string; whole?: boolean }> = (
  { parsed, provenance, picturesAt, whole },
) => {
  const at = provenance ? pageIndex(parsed, provenance.page) : -1;
  if (!provenance || at < 0) return null;
  const page = layoutOf(parsed, at, provenance);
  const picture = pictureOf(parsed, at, provenance.page, picturesAt);
  const label = `Page ${provenance.page + 1} of ${parsed.filename ?? "the document"}`
    + (whole ? "" : page.box ? " with the candidate's box drawn" : "; the candidate's position is not known")
    + (page.total > page.words.length ? `; ${page.words.length} of its ${page.total} words drawn${whole ? "" : ", those around the candidate"}` : "");
  return (
    <figure>
      <svg class="page" viewBox={`-10 -10 ${page.width + 20} ${page.height + 20}`} width={Math.round((page.width + 20) * ZOOM)}
        role="img" aria-label={label}>
        <rect x="-10" y="-10" width={page.width + 20} height={page.height + 20} fill="#fff" />
        {picture ? <image href={picture.href} x="0" y="0" width={picture.width} height={picture.height} preserveAspectRatio="none" /> : null}
        {picture ? page.words.map((w) => (
          <rect class="word" x={w.bbox[0]} y={w.bbox[1]} width={w.bbox[2] - w.bbox[0]} height={w.bbox[3] - w.bbox[1]}
            fill="none" stroke="#2563eb" stroke-width="0.6"><title>{w.text}</title></rect>
        )) : page.words.map((w) => (
          <text x={w.bbox[0]} y={w.bbox[3] - 2} textLength={Math.max(1, w.bbox[2] - w.bbox[0])} lengthAdjust="spacingAndGlyphs"
            font-size={Math.max(4, (w.bbox[3] - w.bbox[1]) * 0.8)}>{w.text}</text>
        ))}
        {page.box ? (
          <rect class="box" data-candidate-box x={page.box[0]} y={page.box[1]}
            width={page.box[2] - page.box[0]} height={page.box[3] - page.box[1]} />
        ) : null}
      </svg>
      <figcaption class="note">{label}.</figcaption>
    </figure>
  );
};

/** Pages drawn for an item with no candidate; the rest are named so the reviewer knows they exist. */
export const MAX_PAGES_DRAWN = 20;

/**
 * Every page of the document, drawn (the SVG's words are found by the browser's search): with no
 * candidate there is no spot to show, so the reviewer looks for the value themselves.
 */
export const DocumentPages: FC<{ parsed: ParsedEvidence }> = ({ parsed }) => {
  const pages = parsed.pages ?? [];
  if (pages.length === 0) return <p class="note">The document has no stored text to show.</p>;
  const numbers = pages.map((_, i) => parsed.page_numbers?.[i] ?? i);
  return (
    <>
      <p class="note">No extractor found this value. The document's {pages.length === 1 ? "page is" : `${pages.length} pages are`} drawn
        below; search them with your browser's find (Ctrl+F).{pages.length > MAX_PAGES_DRAWN ? ` The first ${MAX_PAGES_DRAWN} are shown.` : ""}</p>
      {numbers.slice(0, MAX_PAGES_DRAWN).map((page) => <PageView parsed={parsed} provenance={{ page, extractor: "none" }} whole />)}
    </>
  );
};

export const CandidateList: FC<{ candidates: Candidate[]; chosen?: Provenance }> = ({ candidates, chosen }) => {
  if (candidates.length === 0) return <p class="note">No other candidates.</p>;
  return (
    <div class="scroll" role="region" aria-label="Candidates" tabindex={0}>
      <table>
        <thead><tr>{["value", "extractor", "confidence", "where"].map((h) => <th scope="col">{h}</th>)}</tr></thead>
        <tbody>
          {candidates.map((c) => (
            <tr>
              <td>{String(c.value)}{sameSpot(c.provenance, chosen) ? " (chosen)" : ""}</td>
              <td>{c.provenance.extractor}</td>
              <td class="num">{c.confidence.toFixed(2)}</td>
              <td>{spot(c.provenance)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

const spot = (p: Provenance) => (p.start !== undefined ? `page ${p.page + 1}, ${p.start}–${p.end}` : describeSource(p));

const sameSpot = (a: Provenance, b?: Provenance) =>
  !!b && a.extractor === b.extractor && a.page === b.page && a.start === b.start && a.pointer === b.pointer && a.row === b.row;
