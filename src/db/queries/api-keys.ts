import type { Scope } from "../../api-keys";
import type { Db } from "../types";

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: Date;
  revoked_at: Date | null;
}

const listed = ["id", "name", "prefix", "scopes", "created_at", "revoked_at"] as const;

/** The live key with this hash, with its organization; revoked keys are not found. */
export async function findActiveKey(db: Db, keyHash: string) {
  const row = await db
    .selectFrom("api_keys")
    .select(["id", "organization_id", "scopes"])
    .where("key_hash", "=", keyHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row && { id: row.id, organizationId: row.organization_id, scopes: row.scopes as Scope[] };
}

export async function insertApiKey(
  db: Db,
  key: { organizationId: string; name: string; prefix: string; hash: string; scopes: Scope[] },
): Promise<ApiKeyRow> {
  const row = await db
    .insertInto("api_keys")
    .values({ organization_id: key.organizationId, name: key.name, prefix: key.prefix, key_hash: key.hash, scopes: key.scopes })
    .returning(listed)
    .executeTakeFirstOrThrow();
  return row as ApiKeyRow;
}

export async function listApiKeys(db: Db, organizationId: string): Promise<ApiKeyRow[]> {
  const rows = await db.selectFrom("api_keys").select(listed).where("organization_id", "=", organizationId).orderBy("created_at").execute();
  return rows as ApiKeyRow[];
}

/** Revokes once; returns undefined for unknown ids and other tenants' ids alike. */
export async function revokeApiKey(db: Db, organizationId: string, id: string, at: Date): Promise<ApiKeyRow | undefined> {
  const row = await db
    .updateTable("api_keys")
    .set({ revoked_at: at })
    .where("id", "=", id)
    .where("organization_id", "=", organizationId)
    .where("revoked_at", "is", null)
    .returning(listed)
    .executeTakeFirst();
  return row as ApiKeyRow | undefined;
}

export async function findApiKey(db: Db, organizationId: string, id: string): Promise<ApiKeyRow | undefined> {
  const row = await db.selectFrom("api_keys").select(listed).where("id", "=", id).where("organization_id", "=", organizationId).executeTakeFirst();
  return row as ApiKeyRow | undefined;
}
