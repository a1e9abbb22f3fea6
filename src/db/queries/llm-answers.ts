import { sql, type RawBuilder } from "kysely";
import type { Db } from "../types";

export async function findLlmAnswer(db: Db, organizationId: string, key: string) {
  const result = await sql<{ content: string; model: string }>`
    select content, model from llm_answers where organization_id = ${organizationId} and key = ${key}`.execute(db);
  return result.rows[0] ?? null;
}

export async function storeLlmAnswer(db: Db, organizationId: string, key: string, answer: { content: string; model: string }) {
  await sql`
    insert into llm_answers (organization_id, key, model, content) values (${organizationId}, ${key}, ${answer.model}, ${answer.content})
    on conflict (organization_id, key) do update set content = excluded.content, model = excluded.model, created_at = now()`.execute(db);
}

/**
 * seed 001's `observability`, summed over an execution's model steps; `current` is the notes of a step
 * the same statement inserts (a statement does not see its own inserts), or null.
 */
export const usageSumSql = (executionId: RawBuilder<unknown>, current: string | null = null) => sql`
  (select jsonb_build_object(
     'input_tokens', coalesce(sum((s.llm->'usage'->>'input_tokens')::bigint), 0),
     'output_tokens', coalesce(sum((s.llm->'usage'->>'output_tokens')::bigint), 0),
     'cached_input_tokens', coalesce(sum((s.llm->'usage'->>'cached_input_tokens')::bigint), 0),
     'cache_write_tokens', coalesce(sum((s.llm->'usage'->>'cache_write_tokens')::bigint), 0),
     'total_cost', coalesce(sum((s.llm->>'cost')::numeric), 0)::float8,
     'calls', coalesce(sum(jsonb_array_length(s.llm->'calls')) filter (where not (s.llm->>'cache_hit')::boolean), 0),
     'model_id', max(s.llm->>'model'),
     'provider', max(s.llm->>'provider'))
   from (select llm from steps where execution_id = ${executionId} and llm is not null
         union all select ${current}::jsonb where ${current}::jsonb is not null) s)`;

/** The execution's model usage so far (GET /v1/pipelines/{id} while it runs). */
export async function executionUsage(db: Db, executionId: string) {
  const result = await sql<{ usage: unknown }>`select ${usageSumSql(sql`${executionId}::uuid`)} as usage`.execute(db);
  return result.rows[0]?.usage ?? null;
}
