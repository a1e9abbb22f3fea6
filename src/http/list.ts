import * as v from "valibot";

/**
 * The one list envelope of every collection: `items`, the page `limit`, and `next_cursor` — pass it
 * back as `?cursor=` for the next page, `null` on the last one. Offset-paged lists also say their
 * `offset` and, where counting is cheap enough to promise (runs, templates, data products,
 * schedules), the `total`.
 */
export function listPage<TItem extends v.GenericSchema, TExtra extends v.ObjectEntries = {}>(item: TItem, extra?: TExtra) {
  return v.object({
    items: v.array(item),
    limit: v.pipe(v.number(), v.description("the page size asked for (or its default)")),
    next_cursor: v.pipe(v.nullable(v.string()), v.description("opaque; send it as `?cursor=` for the next page, null on the last page")),
    total: v.optional(v.pipe(v.number(), v.description("how many items match, on lists that count them"))),
    offset: v.optional(v.pipe(v.number(), v.description("where this page starts, on offset-paged lists"))),
    ...(extra ?? ({} as TExtra)),
  });
}

/** Cursors of offset-paged lists: the next offset, opaque to clients. */
const OFFSET_CURSOR = /^o(\d{1,7})$/;

export const offsetCursor = (offset: number) => `o${offset}`;

/** The offset a `?cursor=` of an offset-paged list names, or undefined when it is not one. */
export function offsetFromCursor(cursor: string): number | undefined {
  const match = OFFSET_CURSOR.exec(cursor);
  return match ? Number(match[1]) : undefined;
}

/** An offset page's envelope fields; a next page exists while `offset + items` is short of `total`. */
export function offsetPage<T>(items: T[], page: { limit: number; offset: number; total?: number }) {
  const end = page.offset + items.length;
  const more = page.total === undefined ? items.length === page.limit : end < page.total;
  return {
    items,
    limit: page.limit,
    offset: page.offset,
    ...(page.total === undefined ? {} : { total: page.total }),
    next_cursor: more ? offsetCursor(end) : null,
  };
}

/** The envelope of a collection answered whole (API keys, share tokens, webhook deliveries): one page, no next. */
export const wholeList = <T>(items: T[]) => ({ items, limit: items.length, next_cursor: null });
