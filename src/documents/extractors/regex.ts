import type { Candidate, ParsedDocument } from "../model";

const MAX_MATCHES = 100;

/** How many capturing groups a pattern has (an empty alternative lets any pattern match ""). */
export const capturingGroups = (pattern: string, flags = "") => new RegExp(`${pattern}|`, flags).exec("")!.length - 1;

/**
 * Every match of the pattern on every page; the value is the chosen group (by default the first
 * group when the pattern has one, else the whole match). `d` gives exact spans for provenance.
 */
export function extractRegex(parsed: ParsedDocument, pattern: string, flags = "", group?: number | string): Candidate[] {
  const regex = new RegExp(pattern, `${flags.replace(/[gd]/g, "")}gd`);
  const groups = capturingGroups(pattern, flags.replace(/[gd]/g, ""));
  const wanted = group ?? (groups > 0 ? 1 : 0);
  const candidates: Candidate[] = [];
  parsed.pages.forEach((text, page) => {
    for (const m of text.matchAll(regex)) {
      if (candidates.length >= MAX_MATCHES) return;
      const value = typeof wanted === "string" ? m.groups?.[wanted] : m[wanted];
      const span = typeof wanted === "string" ? m.indices?.groups?.[wanted] : m.indices?.[wanted];
      if (value === undefined || value.trim() === "" || !span) continue;
      candidates.push({ value: value.trim(), confidence: 0.8, provenance: { extractor: "regex", page, start: span[0], end: span[1] } });
    }
  });
  return candidates;
}
