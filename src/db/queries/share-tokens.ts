import { sql } from "kysely";
import type { Db } from "../types";

const listed = [
  "id", "data_product_id", "kind", "prefix", "expires_at", "revoked_at", "last_used_at", "created_at",
] as const;

export interface NewShareToken {
  organizationId: string;
  dataProductId: string;
  hash: string;
  prefix: string;
  expiresAt: Date | null;
  kind: "automatic" | "manual";
}

export async function insertShareToken(db: Db, t: NewShareToken) {
  return db
    .insertInto("share_tokens")
    .values({
      organization_id: t.organizationId, data_product_id: t.dataProductId, token_hash: t.hash, prefix: t.prefix,
      expires_at: t.expiresAt, kind: t.kind,
    })
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

/** Automatic tokens that nobody ever opened are replaced by the next automatic one instead of piling up. */
export async function revokeUnusedAutomaticTokens(db: Db, dataProductId: string) {
  await db.updateTable("share_tokens").set({ revoked_at: sql`now()` }).where("data_product_id", "=", dataProductId)
    .where("kind", "=", "automatic").where("last_used_at", "is", null).where("revoked_at", "is", null).execute();
}

/**
 * Resolves a public token to what it may read, and notes its use (at most once a minute, so a busy
 * link does not write on every read). Unknown, revoked, expired and archived all come back as
 * nothing, so the caller cannot tell them apart.
 */
export async function resolveShareToken(db: Db, hash: string) {
  const result = await sql<ResolvedShareToken>`
    with found as (
      select t.id as token_id, dp.id as data_product_id, dp.name, p.id as pipeline_id, p.config,
             p.published_generation as generation, p.published_at as as_of, t.last_used_at
      from share_tokens t join data_products dp on dp.id = t.data_product_id join pipelines p on p.id = dp.pipeline_id
      where t.token_hash = ${hash} and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
        and dp.status = 'active'
    ), touched as (
      update share_tokens set last_used_at = now() from found
      where share_tokens.id = found.token_id
        and (found.last_used_at is null or found.last_used_at < now() - interval '1 minute')
    )
    select data_product_id, name, pipeline_id, config, generation, as_of from found`.execute(db);
  return result.rows[0];
}

export interface ResolvedShareToken {
  data_product_id: string;
  name: string;
  pipeline_id: string;
  config: unknown;
  generation: number;
  as_of: Date | null;
}
