import * as v from "valibot";
import { offsetFromCursor } from "../http/list";

/** Path ids are UUIDs; anything else is a 400 naming the parameter, before any query runs. */
export const IdParam = v.object({ id: v.pipe(v.string(), v.uuid("must be a UUID")) });

/** `?flag=true|false`; absent is undefined (each route says what that means). */
export const BooleanQuery = v.optional(v.pipe(v.picklist(["true", "false"], "must be true or false"), v.transform((flag) => flag === "true")));

/** Deepest offset a list pages to; past it a client should filter instead (Postgres would scan every skipped row). */
export const MAX_OFFSET = 1_000_000;

const Limit = v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200)), "50");
const Offset = v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0), v.maxValue(MAX_OFFSET));
const Cursor = v.pipe(
  v.string(),
  v.check((s) => (offsetFromCursor(s) ?? MAX_OFFSET + 1) <= MAX_OFFSET, "must be a next_cursor this list returned"),
  v.transform((s) => offsetFromCursor(s) as number),
  v.description("the `next_cursor` of the previous page"),
);

/**
 * `?limit&offset` (or `?cursor`, the previous page's `next_cursor`) of every offset-paged list:
 * at most 200 items, 50 by default. Handlers resolve the page with `withOffset`.
 */
export const PageQuery = v.object({ limit: Limit, offset: v.optional(Offset), cursor: v.optional(Cursor) });

/** A list query's page: a cursor wins over an offset; neither starts at 0. */
export const withOffset = <T extends { offset?: number; cursor?: number }>({ cursor, offset, ...rest }: T) =>
  ({ ...rest, offset: cursor ?? offset ?? 0 });
