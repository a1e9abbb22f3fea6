import * as v from "valibot";
import type { Candidate, ParsedDocument } from "../model";
import { Pattern } from "../pattern";
import { Flags, textExtractorOptions, UserPattern } from "./options";

export const RegexExtractorInput = v.strictObject({
  type: v.pipe(v.literal("regex"), v.description("the text a pattern matches")),
  pattern: v.pipe(UserPattern, v.description("an RE2 pattern (linear time: no lookaround or backreferences), at most 500 characters")),
  flags: v.optional(v.pipe(Flags, v.description("any of i, m, s and u"))),
  group: v.optional(v.pipe(
    v.union([
      v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(99)),
      v.pipe(v.string(), v.regex(/^[A-Za-z_$][\w$]*$/, "must be a group name")),
    ]),
    v.description("the group whose text is the value, by number (0: the whole match) or name; default: the first group"),
  )),
  ...textExtractorOptions,
});

const MAX_MATCHES = 100;

/** How many capturing groups a pattern has; throws `PatternError` for a pattern RE2 cannot take. */
export const capturingGroups = (pattern: string, flags = "") => Pattern.compile(pattern, flags).groupCount;

/**
 * Every match of the pattern on every page, on RE2 (linear time whatever the pattern); the value is
 * the chosen group (by default the first group when the pattern has one, else the whole match).
 */
export function extractRegex(parsed: ParsedDocument, pattern: string, flags = "", group?: number | string): Candidate[] {
  const compiled = Pattern.compile(pattern, flags);
  const wanted = group ?? (compiled.groupCount > 0 ? 1 : 0);
  const candidates: Candidate[] = [];
  parsed.pages.forEach((text, page) => {
    for (const m of compiled.matchAll(text, MAX_MATCHES - candidates.length)) {
      const value = m.group(wanted);
      const span = m.span(wanted);
      if (value === undefined || value.trim() === "" || !span) continue;
      candidates.push({ value: value.trim(), confidence: 0.8, provenance: { extractor: "regex", page, start: span[0], end: span[1] } });
    }
  });
  return candidates;
}
