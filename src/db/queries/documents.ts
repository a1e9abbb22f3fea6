import type { Db } from "../types";

/** One document of a run of the organization, with what transfer parsed (null before transfer ran). */
export async function findDocumentContent(db: Db, organizationId: string, pipelineId: string, documentId: string) {
  return db.selectFrom("documents").select(["id", "status", "parsed"])
    .where("organization_id", "=", organizationId).where("pipeline_id", "=", pipelineId).where("id", "=", documentId)
    .executeTakeFirst();
}

/** A document's stored output of one phase (its cells after that phase) with its current state, within the organization's run. */
export async function findPhaseOutput(db: Db, organizationId: string, pipelineId: string, documentId: string, phaseIndex: number) {
  return db.selectFrom("document_phases as s").innerJoin("documents as d", "d.id", "s.document_id")
    .select(["s.document_id", "s.phase_index", "s.generation", "s.cells", "d.status", "d.error", "d.cells as current_cells"])
    // The model calls of the step that wrote this output: readable here for audit, not in step lists.
    .select((eb) => eb.selectFrom("steps as t").select("t.llm")
      .whereRef("t.document_id", "=", "s.document_id").whereRef("t.phase_index", "=", "s.phase_index")
      .whereRef("t.generation", "=", "s.generation").where("t.status", "=", "completed")
      .orderBy("t.id", "desc").limit(1).as("llm"))
    .where("d.organization_id", "=", organizationId).where("d.pipeline_id", "=", pipelineId)
    .where("s.document_id", "=", documentId).where("s.phase_index", "=", phaseIndex)
    .executeTakeFirst();
}

/** The run's first document and, per phase, the generation of its stored output (none: an empty list). */
export async function firstDocumentPhases(db: Db, pipelineId: string) {
  const first = db.selectFrom("documents").select("id").where("pipeline_id", "=", pipelineId).orderBy("ordinal").limit(1);
  const rows = await db.selectFrom(first.as("d")).leftJoin("document_phases as s", "s.document_id", "d.id")
    .select(["d.id", "s.phase_index", "s.generation"]).execute();
  const phases = new Map<number, number>();
  for (const row of rows) if (row.phase_index !== null) phases.set(row.phase_index, row.generation!);
  return { documentId: rows[0]?.id ?? null, phases };
}
