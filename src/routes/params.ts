import * as v from "valibot";

/** Path ids are UUIDs; anything else is a 400 naming the parameter, before any query runs. */
export const IdParam = v.object({ id: v.pipe(v.string(), v.uuid("must be a UUID")) });

/** Deepest offset a list pages to; past it a client should filter instead (Postgres would scan every skipped row). */
export const MAX_OFFSET = 1_000_000;

/** `?limit&offset` of every offset-paged list: at most 200 items, 50 by default. */
export const PageQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200)), "50"),
  offset: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0), v.maxValue(MAX_OFFSET)), "0"),
});
