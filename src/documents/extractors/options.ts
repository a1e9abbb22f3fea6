import * as v from "valibot";
import { MAX_PATTERN_LENGTH, Pattern } from "../pattern";

/**
 * Schemas of the options extractors share: `when` (which documents an extractor serves), regions
 * (`after`/`before`/`pages`), `preprocess`, and a field's many-match aggregation.
 * Every pattern here is compiled by `Pattern` (RE2), so a 400 names the exact reason and path.
 */

export const MAX_EXTRACTORS = 50;
export const MAX_WHEN_ENTRIES = 50;
export const MAX_PREPROCESS_STEPS = 20;

/** A user pattern on the linear-time engine; the reason RE2 refuses one is the 400's message. */
export const UserPattern = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(MAX_PATTERN_LENGTH),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? Pattern.check(dataset.value) : undefined;
    if (problem) addIssue({ message: problem });
  }),
);

/** Regex flags a user may give: each of i, m, s and u at most once. */
export const Flags = v.pipe(v.string(), v.regex(/^(?!.*(.).*\1)[imsu]*$/, "use only the flags i, m, s and u, each at most once"));

/** A string is a case-insensitive literal keyword; `{ pattern }` is a pattern. */
const Condition = v.union(
  [
    v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
    v.strictObject({ pattern: v.pipe(UserPattern, v.description("an RE2 pattern searched in the document's text")) }),
  ],
  "must be a keyword (text) or { pattern }",
);
const Conditions = v.pipe(v.array(Condition), v.minLength(1), v.maxLength(MAX_WHEN_ENTRIES));

export const WhenInput = v.pipe(
  v.strictObject({
    any: v.optional(v.pipe(Conditions, v.description("at least one of these must occur in the text"))),
    all: v.optional(v.pipe(Conditions, v.description("every one of these must occur in the text"))),
    none: v.optional(v.pipe(Conditions, v.description("none of these may occur in the text"))),
  }),
  v.check((when) => Boolean(when.any || when.all || when.none), "give any, all or none"),
  v.description("which documents the extractor serves, tested on the whole parsed text: each entry a case-insensitive keyword or "
    + "{ pattern }; an extractor whose `when` fails is skipped"),
);

const PAGE_ITEM = String.raw`(?:last|\d{1,5}(?:\s*-\s*\d{1,5})?)`;
export const Pages = v.pipe(
  v.string(),
  v.regex(
    new RegExp(String.raw`^\s*${PAGE_ITEM}(?:\s*,\s*${PAGE_ITEM})*\s*$`),
    'must look like "0", "last", "1-3" or "0,last" (zero-based)',
  ),
  v.check((text) => [...text.matchAll(/(\d+)\s*-\s*(\d+)/g)].every((m) => Number(m[1]) <= Number(m[2])), "a range runs backwards"),
);

export const PREPROCESS_STEPS = ["remove_whitespace", "collapse_spaces", "lowercase", "remove_accents"] as const;
const Step = v.union(
  [
    v.picklist(PREPROCESS_STEPS),
    v.strictObject({
      replace: v.pipe(
        v.tuple([UserPattern, v.pipe(v.string(), v.maxLength(500))]),
        v.description("[pattern, replacement]; the replacement may use $1, $<name> and $&"),
      ),
    }),
  ],
  `must be one of ${PREPROCESS_STEPS.join(", ")} or { "replace": [pattern, replacement] }`,
);
export const PreprocessInput = v.pipe(
  v.array(Step), v.minLength(1), v.maxLength(MAX_PREPROCESS_STEPS),
  v.description("steps that rewrite the text before it is searched, in order; provenance still points into the original text"),
);

/** Options every text extractor (label, regex) takes. */
export const textExtractorOptions = {
  after: v.optional(v.pipe(UserPattern, v.description("search only after the first match of this pattern (no match: nothing found)"))),
  before: v.optional(v.pipe(UserPattern, v.description("search only up to the next match of this pattern after `after`"))),
  pages: v.optional(v.pipe(Pages, v.description('the source pages searched, zero-based: "0", "last", "1-3", "0,last"'))),
  preprocess: v.optional(PreprocessInput),
  all: v.optional(v.pipe(v.boolean(), v.description("take every match in document order; the field's `aggregate` makes them one value"))),
  when: v.optional(WhenInput),
};

export const AGGREGATES = ["first", "last", "min", "max", "sum", "join", "list"] as const;

/** Options on a field that shape what its extractors search and how many matches become one value. */
export const fieldExtractionOptions = {
  preprocess: v.optional(PreprocessInput),
  aggregate: v.optional(v.pipe(
    v.picklist(AGGREGATES),
    v.description("how many matches (`all: true`) become one value; `list` keeps them as an array of the field's type"),
  )),
  separator: v.optional(v.pipe(v.string(), v.maxLength(20), v.description('what `join` puts between matches; default ", "'))),
};

export type When = v.InferOutput<typeof WhenInput>;
export type PreprocessStep = v.InferOutput<typeof Step>;
export type Aggregate = (typeof AGGREGATES)[number];
