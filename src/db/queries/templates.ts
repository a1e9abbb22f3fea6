import { sql } from "kysely";
import type { Db } from "../types";

const COLUMNS = ["id", "name", "description", "draft", "latest_version", "created_at", "updated_at"] as const;

export async function insertTemplate(db: Db, t: { organizationId: string; name: string; description: string | null; draft: unknown }) {
  return db.insertInto("templates").values({ organization_id: t.organizationId, name: t.name, description: t.description, draft: JSON.stringify(t.draft) })
    .returning(COLUMNS).executeTakeFirstOrThrow();
}

export async function findTemplate(db: Db, organizationId: string, id: string) {
  return db.selectFrom("templates").select(COLUMNS).where("id", "=", id).where("organization_id", "=", organizationId).executeTakeFirst();
}

export type TemplateRow = NonNullable<Awaited<ReturnType<typeof findTemplate>>>;

export async function updateTemplateDraft(db: Db, organizationId: string, id: string, t: { name: string; description: string | null; draft: unknown }) {
  return db.updateTable("templates").set({ name: t.name, description: t.description, draft: JSON.stringify(t.draft), updated_at: new Date() })
    .where("id", "=", id).where("organization_id", "=", organizationId).returning(COLUMNS).executeTakeFirst();
}

/** Lists templates; `published` keeps those with a version and adds that version's definition. */
export async function listTemplates(db: Db, organizationId: string, q: { published?: boolean; limit: number; offset: number }) {
  let base = db.selectFrom("templates as t").where("t.organization_id", "=", organizationId);
  if (q.published !== undefined) base = base.where("t.latest_version", q.published ? ">" : "=", 0);
  const [items, total] = await Promise.all([
    base.leftJoin("template_versions as v", (join) => join.onRef("v.template_id", "=", "t.id").onRef("v.version", "=", "t.latest_version"))
      .select(["t.id", "t.name", "t.description", "t.latest_version", "t.created_at", "t.updated_at", "v.definition as published_definition", "v.published_at"])
      .orderBy("t.created_at", "desc").orderBy("t.id").limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** Freezes the draft as the next version; the row lock makes concurrent publishes number 1, 2, … */
export async function publishTemplate(db: Db, organizationId: string, id: string, keyId: string) {
  const result = await sql<{ version: number; published_at: Date }>`
    with bumped as (
      update templates set latest_version = latest_version + 1, updated_at = now()
      where id = ${id} and organization_id = ${organizationId}
      returning id, name, description, draft, latest_version
    )
    insert into template_versions (template_id, version, name, description, definition, published_by)
    select id, latest_version, name, description, draft, ${keyId} from bumped
    returning version, published_at`.execute(db);
  return result.rows[0];
}

export async function findTemplateVersion(db: Db, organizationId: string, templateId: string, version: number) {
  return db.selectFrom("template_versions as v").innerJoin("templates as t", "t.id", "v.template_id")
    .select(["v.template_id", "v.version", "v.name", "v.description", "v.definition", "v.published_at"])
    .where("v.template_id", "=", templateId).where("t.organization_id", "=", organizationId).where("v.version", "=", version)
    .executeTakeFirst();
}

export async function listTemplateVersions(db: Db, templateId: string) {
  return db.selectFrom("template_versions").select(["version", "published_at"]).where("template_id", "=", templateId).orderBy("version").execute();
}
