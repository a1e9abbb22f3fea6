import type { Transaction } from "kysely";
import type { Database, Db } from "../types";

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

/** The template's row, locked until the transaction ends, so concurrent publishes number 1, 2, … */
export async function lockTemplate(trx: Transaction<Database>, organizationId: string, id: string) {
  return trx.selectFrom("templates").select(["id", "name", "description", "draft", "latest_version"])
    .where("id", "=", id).where("organization_id", "=", organizationId).forUpdate().executeTakeFirst();
}

export async function insertTemplateVersion(trx: Transaction<Database>, v: {
  templateId: string; version: number; name: string; description: string | null;
  definition: unknown; compiled: unknown; publishedBy: string;
}) {
  await trx.updateTable("templates").set({ latest_version: v.version, updated_at: new Date() }).where("id", "=", v.templateId).execute();
  return trx.insertInto("template_versions").values({
    template_id: v.templateId, version: v.version, name: v.name, description: v.description,
    definition: JSON.stringify(v.definition), compiled: JSON.stringify(v.compiled), published_by: v.publishedBy,
  }).returning(["version", "published_at"]).executeTakeFirstOrThrow();
}

export async function findTemplateVersion(db: Db, organizationId: string, templateId: string, version: number) {
  return db.selectFrom("template_versions as v").innerJoin("templates as t", "t.id", "v.template_id")
    .select(["v.template_id", "v.version", "v.name", "v.description", "v.definition", "v.compiled", "v.published_at"])
    .where("v.template_id", "=", templateId).where("t.organization_id", "=", organizationId).where("v.version", "=", version)
    .executeTakeFirst();
}

export async function listTemplateVersions(db: Db, templateId: string) {
  return db.selectFrom("template_versions").select(["version", "published_at"]).where("template_id", "=", templateId).orderBy("version").execute();
}
