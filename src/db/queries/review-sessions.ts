import { sql } from "kysely";
import type { Scope } from "../../api-keys";
import type { Db } from "../types";

export async function insertReviewSession(db: Db, s: { organizationId: string; apiKeyId: string; tokenHash: string; expiresAt: Date }) {
  return db.insertInto("review_sessions")
    .values({ organization_id: s.organizationId, api_key_id: s.apiKeyId, token_hash: s.tokenHash, expires_at: s.expiresAt })
    .returning(["id", "expires_at"]).executeTakeFirstOrThrow();
}

/** A live session and its key: not signed out, not expired, and the key itself not revoked. */
export async function findLiveSession(db: Db, tokenHash: string) {
  const row = await db.selectFrom("review_sessions as s").innerJoin("api_keys as k", "k.id", "s.api_key_id")
    .select(["s.id", "s.organization_id", "s.api_key_id", "k.scopes", "k.name as key_name", "k.prefix as key_prefix"])
    .where("s.token_hash", "=", tokenHash)
    .where("s.revoked_at", "is", null)
    .where("s.expires_at", ">", sql<Date>`now()`)
    .where("k.revoked_at", "is", null)
    .executeTakeFirst();
  return row && { ...row, scopes: row.scopes as Scope[] };
}

export async function revokeReviewSession(db: Db, id: string) {
  await db.updateTable("review_sessions").set({ revoked_at: sql`coalesce(revoked_at, now())` }).where("id", "=", id).execute();
}
