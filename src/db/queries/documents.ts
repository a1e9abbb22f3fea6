import type { Db } from "../types";

/** One document of a run of the organization, with what transfer parsed (null before transfer ran). */
export async function findDocumentContent(db: Db, organizationId: string, pipelineId: string, documentId: string) {
  return db.selectFrom("documents").select(["id", "status", "parsed"])
    .where("organization_id", "=", organizationId).where("pipeline_id", "=", pipelineId).where("id", "=", documentId)
    .executeTakeFirst();
}
