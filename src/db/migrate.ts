import { sql } from "kysely";
import { sha256Hex } from "../crypto";
import type { DbHandle } from "./handle";

export interface MigrationResult {
  version: number;
  checksum: string;
  applied: boolean;
}

// Any constant works; it only has to be the same for every process migrating this database.
const MIGRATION_LOCK = 7_461_001;

/** Applies schema.sql unless this exact text was applied before; safe to run concurrently. */
export async function migrate(handle: DbHandle, schemaSql: string): Promise<MigrationResult> {
  const version = schemaVersion(schemaSql);
  const checksum = await sha256Hex(schemaSql);
  return handle.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      const exists = await sql<{ present: boolean }>`select to_regclass('schema_migrations') is not null as present`.execute(conn);
      if (exists.rows[0]?.present) {
        const seen = await conn.selectFrom("schema_migrations").select("version").where("checksum", "=", checksum).executeTakeFirst();
        if (seen) return { version, checksum, applied: false };
      }
      await handle.runScript(schemaSql);
      await conn.insertInto("schema_migrations").values({ version, checksum }).onConflict((oc) => oc.doNothing()).execute();
      return { version, checksum, applied: true };
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}

export function schemaVersion(schemaSql: string): number {
  const match = /^--\s*schema-version:\s*(\d+)/m.exec(schemaSql);
  if (!match) throw new Error("schema.sql lacks a '-- schema-version: N' line");
  return Number(match[1]);
}
