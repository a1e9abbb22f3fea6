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
  [v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)), v.strictObject({ pattern: UserPattern })],
  "must be a keyword (text) or { pattern }",
);
const Conditions = v.pipe(v.array(Condition), v.minLength(1), v.maxLength(MAX_WHEN_ENTRIES));

export const WhenInput = v.pipe(
  v.strictObject({ any: v.optional(Conditions), all: v.optional(Conditions), none: v.optional(Conditions) }),
  v.check((when) => Boolean(when.any || when.all || when.none), "give any, all or none"),
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
  [v.picklist(PREPROCESS_STEPS), v.strictObject({ replace: v.tuple([UserPattern, v.pipe(v.string(), v.maxLength(500))]) })],
  `must be one of ${PREPROCESS_STEPS.join(", ")} or { "replace": [pattern, replacement] }`,
);
export const PreprocessInput = v.pipe(v.array(Step), v.minLength(1), v.maxLength(MAX_PREPROCESS_STEPS));

/** Options every text extractor (label, regex) takes. */
export const textExtractorOptions = {
  after: v.optional(UserPattern),
  before: v.optional(UserPattern),
  pages: v.optional(Pages),
  preprocess: v.optional(PreprocessInput),
  all: v.optional(v.boolean()),
  when: v.optional(WhenInput),
};

export const AGGREGATES = ["first", "last", "min", "max", "sum", "join", "list"] as const;

/** Options on a field that shape what its extractors search and how many matches become one value. */
export const fieldExtractionOptions = {
  preprocess: v.optional(PreprocessInput),
  aggregate: v.optional(v.picklist(AGGREGATES)),
  separator: v.optional(v.pipe(v.string(), v.maxLength(20))),
};

export type When = v.InferOutput<typeof WhenInput>;
export type PreprocessStep = v.InferOutput<typeof Step>;
export type Aggregate = (typeof AGGREGATES)[number];
