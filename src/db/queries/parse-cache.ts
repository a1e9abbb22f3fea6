import type { Db } from "../types";

/**
 * The parse cache for documents whose key is known only after fetching (URL documents): one extra
 * read. Inline documents are keyed at creation and looked up inside the delivery read instead.
 */
export async function findCachedParse(db: Db, organizationId: string, cacheKey: string): Promise<unknown> {
  const row = await db.selectFrom("documents").select("parsed").where("organization_id", "=", organizationId)
    .where("cache_key", "=", cacheKey).where("parsed", "is not", null).limit(1).executeTakeFirst();
  return row?.parsed ?? null;
}
