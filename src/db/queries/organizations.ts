import type { Db } from "../types";

export async function createOrganization(db: Db, name: string): Promise<{ id: string }> {
  return db.insertInto("organizations").values({ name }).returning("id").executeTakeFirstOrThrow();
}

export async function countOrganizations(db: Db): Promise<number> {
  const row = await db.selectFrom("organizations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}
