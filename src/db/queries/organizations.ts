import type { Db } from "../types";

export async function createOrganization(db: Db, name: string): Promise<{ id: string }> {
  return db.insertInto("organizations").values({ name }).returning("id").executeTakeFirstOrThrow();
}

export async function countOrganizations(db: Db): Promise<number> {
  const row = await db.selectFrom("organizations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The organization created first: the one a local data folder's admin key belongs to. */
export async function firstOrganization(db: Db): Promise<{ id: string } | undefined> {
  return db.selectFrom("organizations").select("id").orderBy("created_at").orderBy("id").limit(1).executeTakeFirst();
}
