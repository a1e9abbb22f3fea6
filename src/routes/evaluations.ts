import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import { findEvaluationSet, saveEvaluationSet } from "../db/queries/evaluations";
import { runEvaluation, wantsEvaluation } from "../evaluations/evaluate";
import { badRequest, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { success } from "../http/openapi";
import { valid } from "../http/validate";
import { createPipeline, DocumentInput, MAX_DOCUMENTS } from "../pipeline/create";
import { ownPipeline } from "./pipelines";
import { IdParam } from "./params";
import { ContextInput } from "../templates/context-vars";

const EvaluationSetBody = v.strictObject({
  documents: v.pipe(
    v.array(v.object({ ...DocumentInput.entries, expected: v.record(v.string(), v.unknown()) })),
    v.minLength(1), v.maxLength(MAX_DOCUMENTS),
  ),
});
type EvaluationSet = v.InferOutput<typeof EvaluationSetBody>;

const EvaluateBody = v.strictObject({ version: v.pipe(v.number(), v.integer(), v.minValue(0)), context: v.optional(ContextInput) });

const FieldScore = v.object({ compared: v.number(), correct: v.number(), accuracy: v.nullable(v.number()), silent_errors: v.number() });
const Difference = v.object({ field: v.string(), expected: v.unknown(), actual: v.unknown(), status: v.string(), silent: v.boolean() });
const EvaluationResponse = v.object({
  pipeline_id: v.string(),
  execution_id: v.nullable(v.string()),
  status: v.picklist(["pending", "completed"]),
  template_id: v.nullable(v.string()),
  template_version: v.nullable(v.number()),
  documents_evaluated: v.optional(v.number()),
  accuracy: v.optional(v.nullable(v.number())),
  silent_errors: v.optional(v.number()),
  fields: v.optional(v.record(v.string(), FieldScore)),
  documents: v.optional(v.array(v.object({
    record_id: v.string(), document_id: v.string(), compared: v.number(), correct: v.number(), differences: v.array(Difference),
  }))),
  comparison: v.optional(v.nullable(v.object({
    against: v.object({ pipeline_id: v.string(), template_version: v.nullable(v.number()) }),
    fields: v.object({ better: v.array(v.string()), worse: v.array(v.string()), unchanged: v.array(v.string()) }),
    documents: v.object({ better: v.array(v.string()), worse: v.array(v.string()) }),
    accuracy_delta: v.nullable(v.number()),
    silent_errors_delta: v.number(),
  }))),
  created_at: v.optional(v.string()),
});

export const evaluationRoutes = new Hono<AppEnv>()
  .get("/pipelines/:id/evaluation", describeRoute({
    summary: "The run's evaluation: per-field accuracy, per-document differences, silent errors, comparison with the previous evaluated version",
    tags: ["evaluations"], responses: success(200, "The evaluation; status `pending` while the run is still going", EvaluationResponse),
  }), requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const run = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    const evaluation = await runEvaluation(services.db, run);
    const base = { pipeline_id: run.id, execution_id: run.execution_id, template_id: run.template_id, template_version: run.template_version };
    if (evaluation) return c.json({ ...base, status: "completed" as const, ...(evaluation.result as object), created_at: evaluation.created_at });
    if (wantsEvaluation(run.options) && run.status === "running") return c.json({ ...base, status: "pending" as const });
    throw notFound("evaluation (create the run with run_evals: true)");
  })
  .put("/templates/:id/evaluation-set", describeRoute({
    summary: "Replace the template's evaluation set: documents as in a run, each with `expected` values",
    tags: ["evaluations"], responses: success(200, "{ template_id, documents }"),
  }), requireScope("write"), valid("param", IdParam), valid("json", EvaluationSetBody), async (c) => {
    const { id } = c.req.valid("param");
    const saved = await saveEvaluationSet(c.get("services").db, c.get("caller").organizationId, id, c.req.valid("json"));
    if (!saved) throw notFound("template");
    return c.json({ template_id: id, ...(saved.evaluation_set as EvaluationSet) });
  })
  .get("/templates/:id/evaluation-set", describeRoute({
    summary: "Read the template's evaluation set", tags: ["evaluations"], responses: success(200, "{ template_id, documents }"),
  }), requireScope("read"), valid("param", IdParam), async (c) => {
    const { id } = c.req.valid("param");
    const row = await findEvaluationSet(c.get("services").db, c.get("caller").organizationId, id);
    if (!row) throw notFound("template");
    return c.json({ template_id: id, documents: (row.evaluation_set as EvaluationSet | null)?.documents ?? [] });
  })
  .post("/templates/:id/evaluate", describeRoute({
    summary: "Run the evaluation set against a template version (202); the result is at GET /v1/pipelines/{run id}/evaluation",
    tags: ["evaluations"], responses: success(202, "The evaluation run (its id names the evaluation)"),
  }), requireScope("write"), valid("param", IdParam), valid("json", EvaluateBody), async (c) => {
    const services = c.get("services");
    const caller = c.get("caller");
    const { id } = c.req.valid("param");
    const { version, context } = c.req.valid("json");
    const row = await findEvaluationSet(services.db, caller.organizationId, id);
    if (!row) throw notFound("template");
    const set = row.evaluation_set as EvaluationSet | null;
    if (!set) {
      throw badRequest("the template has no evaluation set; PUT /v1/templates/{id}/evaluation-set first", [
        { path: "param.id", message: "no evaluation set" },
      ]);
    }
    const run = await createPipeline(services, caller, {
      name: `evaluation of ${id} v${version}`, template_id: id, version, documents: set.documents, run_evals: true, context,
    });
    return c.json({ ...run, evaluation_url: `/v1/pipelines/${run.id}/evaluation` }, 202);
  });
