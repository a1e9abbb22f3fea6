/**
 * Zero-based page ranges as the seeds write them: "0,2-4". `parsePageRange` checks the syntax
 * (for a 400 at creation); `selectPages` applies it to a document's real page count.
 */
const RANGE = /^\s*\d{1,5}(\s*-\s*\d{1,5})?(\s*,\s*\d{1,5}(\s*-\s*\d{1,5})?)*\s*$/;

export type PageRange = Array<[number, number]>;

export function parsePageRange(text: string): PageRange | string {
  if (!RANGE.test(text)) return 'must look like "0,2-4" (zero-based pages and ranges)';
  const ranges: PageRange = [];
  for (const part of text.split(",")) {
    const [from, to = from] = part.split("-").map((n) => Number(n.trim()));
    if (to < from) return `range ${from}-${to} runs backwards`;
    ranges.push([from, to]);
  }
  return ranges;
}

/** The selected pages that exist, ascending and without repeats; all pages without a range. */
export function selectPages(range: PageRange | null, pageCount: number): number[] {
  if (!range) return Array.from({ length: pageCount }, (_, i) => i);
  const pages = new Set<number>();
  for (const [from, to] of range) for (let p = from; p <= Math.min(to, pageCount - 1); p++) pages.add(p);
  return [...pages].sort((a, b) => a - b);
}
