import { sql } from "kysely";
import type { Db } from "../types";

export async function findEvaluation(db: Db, pipelineId: string) {
  return db.selectFrom("evaluations").selectAll().where("pipeline_id", "=", pipelineId)
    .orderBy("created_at", "desc").orderBy("id").limit(1).executeTakeFirst();
}

/** The latest evaluation of an earlier version of the template: what a new version is compared with. */
export async function findPreviousVersionEvaluation(db: Db, organizationId: string, templateId: string, version: number) {
  return db.selectFrom("evaluations").selectAll()
    .where("organization_id", "=", organizationId).where("template_id", "=", templateId).where("template_version", "<", version)
    .orderBy("template_version", "desc").orderBy("created_at", "desc").limit(1).executeTakeFirst();
}

/** The run's current documents with their expected values; a split document's parts take theirs from its `$parts`. */
export async function evaluatedDocuments(db: Db, pipelineId: string) {
  return db.selectFrom("documents as d").leftJoin("documents as parent", "parent.id", "d.parent_document_id")
    .select(["d.id", "d.external_id", "d.cells", "d.expected", "d.part", "d.split_count", "parent.expected as parent_expected"])
    .where("d.pipeline_id", "=", pipelineId)
    .where(sql<boolean>`(d.parent_document_id is null or d.generation = (select p.generation from pipelines p where p.id = ${pipelineId}))`)
    .orderBy("d.ordinal").execute();
}

/** One evaluation per execution: a repeated finish (or a lazy read racing it) keeps the first. */
export async function insertEvaluation(
  db: Db,
  e: { organizationId: string; pipelineId: string; executionId: string; templateId: string | null; templateVersion: number | null; result: unknown },
) {
  await db.insertInto("evaluations").values({
    organization_id: e.organizationId, pipeline_id: e.pipelineId, execution_id: e.executionId,
    template_id: e.templateId, template_version: e.templateVersion, result: JSON.stringify(e.result),
  }).onConflict((oc) => oc.column("execution_id").doNothing()).execute();
}

export async function saveEvaluationSet(db: Db, organizationId: string, templateId: string, set: unknown) {
  return db.updateTable("templates").set({ evaluation_set: JSON.stringify(set), updated_at: new Date() })
    .where("id", "=", templateId).where("organization_id", "=", organizationId).returning("evaluation_set").executeTakeFirst();
}

export async function findEvaluationSet(db: Db, organizationId: string, templateId: string) {
  return db.selectFrom("templates").select(["id", "evaluation_set"])
    .where("id", "=", templateId).where("organization_id", "=", organizationId).executeTakeFirst();
}
