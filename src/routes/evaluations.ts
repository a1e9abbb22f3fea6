import { Hono, type Context } from "hono";
import { idempotentWrite } from "./idempotency";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import { named } from "../named-schema";
import { findEvaluationSet, saveEvaluationSet } from "../db/queries/evaluations";
import { runEvaluation, wantsEvaluation } from "../evaluations/evaluate";
import { badRequest, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid } from "../http/validate";
import { createPipeline, DocumentInput, MAX_DOCUMENTS } from "../pipeline/create";
import { ownPipeline } from "./pipelines";
import { IdParam } from "./params";
import { CREATED_RUN_EXAMPLE } from "./run-examples";
import { RunSchema } from "./run-schemas";
import { Timestamp } from "./schema-fields";
import { ContextInput } from "../templates/context-vars";

const EvaluationSetBody = v.strictObject({
  documents: v.pipe(
    v.array(v.object({
      ...DocumentInput.entries,
      expected: v.pipe(v.record(v.string(), v.unknown()), v.description("the values a correct run releases, by field name")),
    })),
    v.minLength(1), v.maxLength(MAX_DOCUMENTS),
    v.description("the documents a template is evaluated on, each with its expected values"),
  ),
});
type EvaluationSet = v.InferOutput<typeof EvaluationSetBody>;

const EvaluateBody = v.strictObject({
  version: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("the template version to evaluate; 0 the draft")),
  context: v.optional(ContextInput),
});

const FieldScore = named("FieldScore", v.object({
  compared: v.pipe(v.number(), v.description("documents with an expected value for the field")),
  correct: v.number(),
  accuracy: v.pipe(v.nullable(v.number()), v.description("correct / compared, null when nothing was compared")),
  silent_errors: v.pipe(v.number(), v.description("wrong values released past every gate: nobody was asked to look at them")),
  from_model: v.optional(v.pipe(v.number(), v.description("compared values released from a model's grounded answer (extraction:llm)"))),
  from_rules: v.optional(v.pipe(v.number(), v.description("compared values released by the deterministic extractors"))),
  model_share: v.optional(v.pipe(v.nullable(v.number()), v.description("from_model / (from_model + from_rules)"))),
  model_silent_errors: v.optional(v.pipe(v.number(), v.description("silent errors among the model's values; grounding keeps it at 0"))),
}));
const Difference = named("Difference", v.object({ field: v.string(), expected: v.unknown(), actual: v.unknown(), status: v.string(), silent: v.boolean() }));
const EvaluationSchema = named("Evaluation", v.object({
  pipeline_id: v.string(),
  execution_id: v.nullable(v.string()),
  status: v.pipe(v.picklist(["pending", "completed"]), v.description("pending while the run is still going: only the ids are set")),
  template_id: v.nullable(v.string()),
  template_version: v.nullable(v.number()),
  documents_evaluated: v.optional(v.number()),
  accuracy: v.optional(v.nullable(v.number())),
  silent_errors: v.optional(v.number()),
  model_silent_errors: v.optional(v.number()),
  fields: v.optional(v.record(v.string(), FieldScore)),
  documents: v.optional(v.array(v.object({
    record_id: v.string(), document_id: v.string(), compared: v.number(), correct: v.number(), differences: v.array(Difference),
  }))),
  comparison: v.pipe(v.optional(v.nullable(v.object({
    against: v.object({ pipeline_id: v.string(), template_version: v.nullable(v.number()) }),
    fields: v.object({ better: v.array(v.string()), worse: v.array(v.string()), unchanged: v.array(v.string()) }),
    documents: v.object({ better: v.array(v.string()), worse: v.array(v.string()) }),
    accuracy_delta: v.nullable(v.number()),
    silent_errors_delta: v.number(),
  }))), v.description("against the latest evaluation of an earlier version of the template; null when there is none")),
  created_at: v.optional(Timestamp),
}));

const EvaluationSetSchema = named("EvaluationSet", v.object({
  template_id: v.string(),
  documents: v.array(v.object({
    id: v.optional(v.string()),
    text: v.optional(v.string()),
    content_base64: v.optional(v.string()),
    file_url: v.optional(v.string()),
    filename: v.optional(v.string()),
    mime_type: v.optional(v.string()),
    expected: v.pipe(v.record(v.string(), v.unknown()), v.description("the values a correct run releases, by field name")),
  })),
}));

const EvaluationRunSchema = named("EvaluationRun", v.object({
  ...RunSchema.entries,
  evaluation_url: v.pipe(v.string(), v.description("GET it for the result once the run has finished")),
}));

const EVALUATION_RUN_ID = "3ca73784-f388-4a19-99d8-dc54b5717559";
const TEMPLATE_ID = "f221fddb-4aeb-49a4-a2a2-ded3ce8fa1fa";
const EVALUATION_EXAMPLE = {
  pipeline_id: EVALUATION_RUN_ID, execution_id: "9a4bab61-2f71-4250-ab29-f2d88d045419", status: "completed",
  template_id: TEMPLATE_ID, template_version: 2, documents_evaluated: 2, accuracy: 0.75, silent_errors: 1,
  fields: {
    invoice_number: { compared: 2, correct: 2, accuracy: 1, silent_errors: 0 },
    total: { compared: 2, correct: 1, accuracy: 0.5, silent_errors: 1 },
  },
  documents: [
    { record_id: "inv-1", document_id: "8e320f0e-f72e-45de-9a2f-e9013f50d3f8", compared: 2, correct: 2, differences: [] },
    {
      record_id: "inv-4", document_id: "0b1a6720-5344-4403-a786-617865bb97b2", compared: 2, correct: 1,
      differences: [{ field: "total", expected: 99, actual: 104, status: "completed", silent: true }],
    },
  ],
  comparison: {
    against: { pipeline_id: "e1702f3f-3853-448a-b083-4a720384aced", template_version: 1 },
    fields: { better: ["invoice_number"], worse: [], unchanged: ["total"] },
    documents: { better: ["inv-1"], worse: [] },
    accuracy_delta: 0.25,
    silent_errors_delta: 0,
  },
  created_at: "2026-11-30T00:14:14.174Z",
};
const EVALUATION_SET_EXAMPLE = {
  template_id: TEMPLATE_ID,
  documents: [
    { id: "inv-1", text: "ACME Ltd\nInvoice No: INV-1\nTotal: 101.00\n", expected: { invoice_number: "INV-1", total: 101 } },
    { id: "inv-4", file_url: "https://files.example.com/invoices/inv-4.pdf", expected: { invoice_number: "INV-4", total: 99 } },
  ],
};
const EVALUATION_RUN_EXAMPLE = {
  ...CREATED_RUN_EXAMPLE, id: EVALUATION_RUN_ID, root_id: EVALUATION_RUN_ID, name: `evaluation of ${TEMPLATE_ID} v2`,
  template_id: TEMPLATE_ID, template_version: 2, pipeline_id: TEMPLATE_ID, pipeline_version: 2,
  execution: { ...CREATED_RUN_EXAMPLE.execution, pipeline_id: EVALUATION_RUN_ID, triggered_by: "template", trigger_ref: `${TEMPLATE_ID}@2` },
  evaluation_url: `/v1/pipelines/${EVALUATION_RUN_ID}/evaluation`,
};

const getPipelineEvaluationRoute = describeRoute({
  operationId: "getPipelineEvaluation",
  summary: "The run's evaluation: per-field accuracy, per-document differences, silent errors, comparison with the previous evaluated version",
  description: "For runs created with run_evals: true (evaluateTemplate makes such runs); 404 for other runs.",
  tags: ["evaluations"],
  responses: success(200, "The evaluation; status `pending` while the run is still going", EvaluationSchema, { example: EVALUATION_EXAMPLE }),
});

const putEvaluationSetRoute = describeRoute({
  operationId: "putEvaluationSet",
  summary: "Replace the template's evaluation set: documents as in a run, each with `expected` values",
  tags: ["evaluations"],
  responses: success(200, "The stored evaluation set", EvaluationSetSchema, { example: EVALUATION_SET_EXAMPLE }),
});

const getEvaluationSetRoute = describeRoute({
  operationId: "getEvaluationSet",
  summary: "Read the template's evaluation set",
  tags: ["evaluations"],
  responses: success(200, "The evaluation set; no documents until one is stored", EvaluationSetSchema, { example: EVALUATION_SET_EXAMPLE }),
});

const evaluateTemplateRoute = describeRoute({
  operationId: "evaluateTemplate",
  summary: "Run the evaluation set against a template version (202); the result is at GET /v1/pipelines/{run id}/evaluation",
  description: "400 when the template has no evaluation set yet.",
  tags: ["evaluations"],
  responses: success(202, "The evaluation run (its id names the evaluation)", EvaluationRunSchema, { example: EVALUATION_RUN_EXAMPLE }),
});

async function evaluation(c: Context<AppEnv>, id: string) {
  const services = c.get("services");
  const run = await ownPipeline(services, c.get("caller"), id);
  const evaluation = await runEvaluation(services.db, run);
  const base = { pipeline_id: run.id, execution_id: run.execution_id, template_id: run.template_id, template_version: run.template_version };
  if (evaluation) return reply(c, EvaluationSchema, { ...base, status: "completed", ...(evaluation.result as object), created_at: evaluation.created_at });
  if (wantsEvaluation(run.options) && run.status === "running") return reply(c, EvaluationSchema, { ...base, status: "pending" });
  throw notFound("evaluation (create the run with run_evals: true)");
}

async function evaluate(c: Context<AppEnv>, id: string, { version, context }: v.InferOutput<typeof EvaluateBody>) {
  const services = c.get("services");
  const caller = c.get("caller");
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
  return reply(c, EvaluationRunSchema, { ...run, evaluation_url: `/v1/pipelines/${run.id}/evaluation` }, 202);
}

export const evaluationRoutes = new Hono<AppEnv>()
  .get("/pipelines/:id/evaluation", getPipelineEvaluationRoute, requireScope("read"), valid("param", IdParam),
    (c) => evaluation(c, c.req.valid("param").id))
  .put("/templates/:id/evaluation-set", putEvaluationSetRoute, requireScope("write"), valid("param", IdParam), valid("json", EvaluationSetBody),
    async (c) => {
      const { id } = c.req.valid("param");
      const saved = await saveEvaluationSet(c.get("services").db, c.get("caller").organizationId, id, c.req.valid("json"));
      if (!saved) throw notFound("template");
      return reply(c, EvaluationSetSchema, { template_id: id, ...(saved.evaluation_set as EvaluationSet) });
    })
  .get("/templates/:id/evaluation-set", getEvaluationSetRoute, requireScope("read"), valid("param", IdParam), async (c) => {
    const { id } = c.req.valid("param");
    const row = await findEvaluationSet(c.get("services").db, c.get("caller").organizationId, id);
    if (!row) throw notFound("template");
    return reply(c, EvaluationSetSchema, { template_id: id, documents: (row.evaluation_set as EvaluationSet | null)?.documents ?? [] });
  })
  .post("/templates/:id/evaluate", evaluateTemplateRoute, requireScope("write"), valid("param", IdParam), valid("json", EvaluateBody), idempotentWrite(),
    (c) => evaluate(c, c.req.valid("param").id, c.req.valid("json")));
