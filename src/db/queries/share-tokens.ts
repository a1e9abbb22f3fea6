import { sql } from "kysely";
import type { Db } from "../types";

const listed = ["id", "data_product_id", "prefix", "expires_at", "revoked_at", "created_at"] as const;

export async function insertShareToken(db: Db, t: { organizationId: string; dataProductId: string; hash: string; prefix: string; expiresAt: Date | null }) {
  return db
    .insertInto("share_tokens")
    .values({ organization_id: t.organizationId, data_product_id: t.dataProductId, token_hash: t.hash, prefix: t.prefix, expires_at: t.expiresAt })
    .returning(listed)
    .executeTakeFirstOrThrow();
}

export async function listShareTokens(db: Db, dataProductId: string) {
  return db.selectFrom("share_tokens").select(listed).where("data_product_id", "=", dataProductId).orderBy("created_at").execute();
}

/** Revokes by token id or by the token itself; returns nothing when neither matches. */
export async function revokeShareToken(db: Db, dataProductId: string, by: { id?: string; hash?: string }) {
  let query = db.updateTable("share_tokens").set({ revoked_at: sql`coalesce(revoked_at, now())` }).where("data_product_id", "=", dataProductId);
  query = by.id ? query.where("id", "=", by.id) : query.where("token_hash", "=", by.hash ?? "");
  return query.returning(listed).executeTakeFirst();
}

/**
 * Resolves a public token to what it may read. Unknown, revoked, expired and archived all come
 * back as nothing, so the caller cannot tell them apart.
 */
export async function resolveShareToken(db: Db, hash: string) {
  return db
    .selectFrom("share_tokens as t")
    .innerJoin("data_products as dp", "dp.id", "t.data_product_id")
    .innerJoin("pipelines as p", "p.id", "dp.pipeline_id")
    .select(["dp.id as data_product_id", "dp.name", "dp.updated_at as product_updated_at", "p.id as pipeline_id", "p.config", "p.updated_at as pipeline_updated_at", "p.generation"])
    .where("t.token_hash", "=", hash)
    .where("t.revoked_at", "is", null)
    .where((eb) => eb.or([eb("t.expires_at", "is", null), eb("t.expires_at", ">", sql<Date>`now()`)]))
    .where("dp.status", "=", "active")
    .executeTakeFirst();
}
