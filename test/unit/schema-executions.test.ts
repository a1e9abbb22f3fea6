import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createPgliteDb } from "../../src/db/pglite";
import { schemaSql } from "../support/harness";

describe("schema.sql on a database with runs from before executions", () => {
  it("gives each such run one root execution, and re-applying changes nothing", async () => {
    const handle = await createPgliteDb();
    try {
      await handle.runScript(schemaSql);
      const { db } = handle;
      const org = await db.insertInto("organizations").values({ name: "old" }).returning("id").executeTakeFirstOrThrow();
      const id = crypto.randomUUID();
      await db.insertInto("pipelines").values({
        id, organization_id: org.id, name: "old run", config: "{}", root_id: id, document_count: 1, pending_count: 0,
        status: "completed", generation: 3, template_id: id, template_version: 2,
      }).execute();
      await handle.runScript(schemaSql);
      await handle.runScript(schemaSql);
      const executions = await db.selectFrom("executions").selectAll().where("pipeline_id", "=", id).execute();
      expect(executions).toHaveLength(1);
      expect(executions[0]).toMatchObject({ generation: 3, depth: 0, parent_id: null, triggered_by: "template", trigger_ref: `${id}@2`, status: "completed" });
      expect(executions[0].root_id).toBe(executions[0].id);
      const run = await db.selectFrom("pipelines").select("execution_id").where("id", "=", id).executeTakeFirstOrThrow();
      expect(run.execution_id).toBe(executions[0].id);
      expect((await sql<{ n: number }>`select count(*)::int as n from executions`.execute(db)).rows[0].n).toBe(1);
    } finally {
      await handle.close();
    }
  });
});
