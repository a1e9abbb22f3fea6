import { describeRoute } from "hono-openapi";
import { Hono, type Context } from "hono";
import * as v from "valibot";
import { cancelPipeline, findPipeline, listChildren, listPipelines, listRecordDocuments, listSteps } from "../db/queries/pipelines";
import { findExecution, listExecutionTree } from "../db/queries/executions";
import { badRequest, conflict, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv, Caller } from "../http/env";
import { multipartBody } from "../http/multipart";
import { failure, HEADER_PARAMETERS, multipartForm, success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid, type CrossCheck } from "../http/validate";
import { announceFinish } from "../webhooks/deliver";
import { createPipeline, CreatePipelineBody, createProblems, MAX_SYNC_DOCUMENTS, type CreatePipelineInput } from "../pipeline/create";
import { presentPipeline, presentStep } from "../pipeline/present";
import { loadRunDetail, presentExecution, presentRun } from "../pipeline/run-view";
import { presentRecords } from "../pipeline/records";
import { rerunPipeline } from "../pipeline/rerun";
import { runPipelineInline } from "../pipeline/sync";
import { PHASE_TYPES } from "../pipeline/types";
import type { Services } from "../http/env";
import { offsetPage } from "../http/list";
import { idempotent, IDEMPOTENCY_FAILURES, idempotentWrite } from "./idempotency";
import { BooleanQuery, IdParam, PageQuery, withOffset } from "./params";
import {
  CREATED_RUN_EXAMPLE, CANCEL_EXAMPLE, RECORDS_EXAMPLE, RERUN_EXAMPLE, RUN_DETAIL_EXAMPLE, RUN_LIST_EXAMPLE, STEP_LIST_EXAMPLE, TREE_EXAMPLE,
} from "./run-examples";
import {
  CancelSchema, RecordsSchema, RerunSchema, RunDetailSchema, RunListSchema, RunSchema, StepListSchema, TreeSchema,
} from "./run-schemas";

const ListQuery = v.object({
  status: v.optional(v.picklist(["running", "completed", "partial", "failed", "cancelled"])),
  template_id: v.optional(v.pipe(v.string(), v.uuid())),
  root_only: BooleanQuery,
  ...PageQuery.entries,
});

const RerunBody = v.strictObject({
  from_phase: v.pipe(v.picklist(PHASE_TYPES), v.description("rerun from the first phase of this type; earlier phases' stored output is reused")),
});

const TreeQuery = v.object({ root_only: BooleanQuery });

const StepId = v.pipe(v.string(), v.regex(/^\d{1,18}$/, "must be a next_cursor this list returned"));
const StepsQuery = v.object({
  execution_id: v.optional(v.pipe(v.string(), v.uuid("must be a UUID"))),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000)), "200"),
  cursor: v.optional(v.pipe(StepId, v.description("the `next_cursor` of the previous page"))),
  after: v.optional(v.pipe(StepId, v.description("deprecated: the former name of `cursor`"))),
});

/** Loads a run of the caller's organization; another tenant's id is simply not found. */
export async function ownPipeline(services: Services, caller: Caller, id: string) {
  const pipeline = await findPipeline(services.db, caller.organizationId, id);
  if (!pipeline) throw notFound("pipeline");
  return pipeline;
}

const unknownTemplate = { 404: { description: "template_id names no template of this organization" } };

const createPipelineRoute = describeRoute({
  operationId: "createPipeline",
  summary: "Create a pipeline run",
  description: "Queues every document through the phases (202). JSON, or multipart with the files in file.0, file.1, …; "
    + "either an inline definition (fields and phases) or a template_id (and version). Poll GET /v1/pipelines/{id} or stream its events.",
  tags: ["pipelines"],
  parameters: [HEADER_PARAMETERS.idempotencyKey],
  requestBody: multipartForm,
  responses: {
    ...success(202, "The run, queued", RunSchema, { example: CREATED_RUN_EXAMPLE, headers: ["Idempotency-Replayed"] }),
    ...unknownTemplate,
    ...IDEMPOTENCY_FAILURES,
  },
});

/** A refused body is also checked as a definition and as documents, so one answer lists every problem. */
const everyProblem: CrossCheck = (input, c) => createProblems(input, (c as Context<AppEnv>).get("services").config);

const create = (c: Context<AppEnv>, body: CreatePipelineInput) =>
  idempotent(c, { schema: RunSchema, status: 202, request: body, run: (key) => createPipeline(c.get("services"), c.get("caller"), body, key) });

const runPipelineSyncRoute = describeRoute({
  operationId: "runPipelineSync",
  summary: "Run a small pipeline inline and return its records",
  description: `The same body as a create, at most ${MAX_SYNC_DOCUMENTS} documents; every phase runs before the answer, without retries.`,
  tags: ["pipelines"],
  parameters: [HEADER_PARAMETERS.idempotencyKey],
  requestBody: multipartForm,
  responses: {
    ...success(200, "The finished run's records", RecordsSchema, { example: RECORDS_EXAMPLE, headers: ["Idempotency-Replayed"] }),
    ...unknownTemplate,
    ...IDEMPOTENCY_FAILURES,
  },
});

async function sync(c: Context<AppEnv>, body: CreatePipelineInput) {
  if (body.documents.length > MAX_SYNC_DOCUMENTS) {
    throw badRequest(`sync runs take at most ${MAX_SYNC_DOCUMENTS} documents; use POST /v1/pipelines`, [
      { path: "documents", message: `at most ${MAX_SYNC_DOCUMENTS} items` },
    ]);
  }
  // The scope is part of the fingerprint: a key first used to create cannot replay as a sync run.
  return idempotent(c, {
    schema: RecordsSchema, status: 200, request: body, scope: "sync:",
    run: (key) => runPipelineInline(c.get("services"), c.get("caller"), body, key),
  });
}

const listPipelinesRoute = describeRoute({
  operationId: "listPipelines",
  summary: "List pipeline runs, newest first",
  tags: ["pipelines"],
  responses: success(200, "A page of runs with their total", RunListSchema, { example: RUN_LIST_EXAMPLE }),
});

async function list(c: Context<AppEnv>, query: v.InferOutput<typeof ListQuery>) {
  const q = withOffset(query);
  const { items, total } = await listPipelines(c.get("services").db, c.get("caller").organizationId, {
    status: q.status, templateId: q.template_id, rootOnly: q.root_only, limit: q.limit, offset: q.offset,
  });
  return reply(c, RunListSchema, offsetPage(items.map((row) => presentPipeline(row)), { limit: q.limit, offset: q.offset, total }));
}

const getPipelineRoute = describeRoute({
  operationId: "getPipeline",
  summary: "Get a run: status, counts, config snapshot, steps per phase, usage",
  tags: ["pipelines"],
  responses: success(200, "The run with its current execution and its steps per phase", RunDetailSchema, { example: RUN_DETAIL_EXAMPLE }),
});

const getPipelineRecordsRoute = describeRoute({
  operationId: "getPipelineRecords",
  summary: "Get the run's records: each field's value per document",
  description: "Every record carries every field of the definition. Holdback applies: a cell parked for review or rejected shows "
    + "its status and reason, never its value; while a document is in flight its cells are queued or processing.",
  tags: ["pipelines"],
  responses: success(200, "{ id, status, order, field_definitions, records, errors }", RecordsSchema, { example: RECORDS_EXAMPLE }),
});

const listPipelineStepsRoute = describeRoute({
  operationId: "listPipelineSteps",
  summary: "List the run's phase executions, oldest first",
  description: "One row per delivery of a phase to a document (retries included); a completed transfer names its parse in result_url.",
  tags: ["pipelines"],
  responses: success(200, "A page of steps", StepListSchema, { example: STEP_LIST_EXAMPLE }),
});

async function steps(c: Context<AppEnv>, id: string, q: v.InferOutput<typeof StepsQuery>) {
  const services = c.get("services");
  const pipeline = await ownPipeline(services, c.get("caller"), id);
  // Postgres drivers disagree on bigint (number or string): ids are sent as strings.
  const items = (await listSteps(services.db, pipeline.id, q.limit, q.cursor ?? q.after, q.execution_id))
    .map((step) => ({ ...presentStep(pipeline, step), id: String(step.id) }));
  const next = items.length === q.limit ? items[items.length - 1].id : null;
  return reply(c, StepListSchema, { items, limit: q.limit, next_cursor: next });
}

const getPipelineTreeRoute = describeRoute({
  operationId: "getPipelineTree",
  summary: "The run's executions (first run, reruns, scheduled reruns) with lineage and depth",
  tags: ["pipelines"],
  responses: success(200, "The runs sharing this run's root (items) and its executions with lineage", TreeSchema, { example: TREE_EXAMPLE }),
});

async function tree(c: Context<AppEnv>, id: string, rootOnly: boolean) {
  const services = c.get("services");
  const caller = c.get("caller");
  const pipeline = await ownPipeline(services, caller, id);
  const current = await findExecution(services.db, pipeline.execution_id!);
  const [runs, executions] = await Promise.all([
    listChildren(services.db, caller.organizationId, pipeline.root_id),
    listExecutionTree(services.db, caller.organizationId, current!.root_id, rootOnly),
  ]);
  return reply(c, TreeSchema, { root_id: pipeline.root_id, items: runs, execution_root_id: current!.root_id, executions: executions.map(presentExecution) });
}

const rerunPipelineRoute = describeRoute({
  operationId: "rerunPipeline",
  summary: "Rerun from the first phase of a type",
  description: "Earlier phases' cells are reused; that phase and all later ones run again under a new generation. "
    + "Every document must have finished (else 400); 400 too when the run has no phase of that type.",
  tags: ["pipelines"],
  responses: success(200, "How many documents run again, from which phase", RerunSchema, { example: RERUN_EXAMPLE }),
});

const cancelPipelineRoute = describeRoute({
  operationId: "cancelPipeline",
  summary: "Cancel every unfinished document",
  tags: ["pipelines"],
  responses: {
    ...success(200, "The run's status after cancelling", CancelSchema, { example: CANCEL_EXAMPLE }),
    ...failure(409, "The run has already finished"),
  },
});

async function cancel(c: Context<AppEnv>, id: string) {
  const services = c.get("services");
  const pipeline = await ownPipeline(services, c.get("caller"), id);
  if (pipeline.status !== "running") throw conflict(`pipeline already finished with status '${pipeline.status}'`);
  const result = await cancelPipeline(services.db, pipeline.id);
  if (result.finished && result.stopped > 0) await announceFinish(services, pipeline.id, pipeline.generation, pipeline.webhook_url);
  return reply(c, CancelSchema, { id: pipeline.id, status: result.status, cancelled_documents: result.stopped });
}

export const pipelineRoutes = new Hono<AppEnv>()
  .post("/pipelines", createPipelineRoute, requireScope("write"),
    multipartBody(CreatePipelineBody, create, everyProblem), valid("json", CreatePipelineBody, everyProblem),
    (c) => create(c, c.req.valid("json")))
  .post("/pipelines/sync", runPipelineSyncRoute, requireScope("write"),
    multipartBody(CreatePipelineBody, sync, everyProblem), valid("json", CreatePipelineBody, everyProblem),
    (c) => sync(c, c.req.valid("json")))
  .get("/pipelines", listPipelinesRoute, requireScope("read"), valid("query", ListQuery), (c) => list(c, c.req.valid("query")))
  .get("/pipelines/:id", getPipelineRoute, requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return reply(c, RunDetailSchema, presentRun(pipeline, await loadRunDetail(services.db, pipeline)));
  })
  .get("/pipelines/:id/records", getPipelineRecordsRoute, requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return reply(c, RecordsSchema, presentRecords(pipeline, await listRecordDocuments(services.db, pipeline.id)));
  })
  .get("/pipelines/:id/steps", listPipelineStepsRoute, requireScope("read"), valid("param", IdParam), valid("query", StepsQuery),
    (c) => steps(c, c.req.valid("param").id, c.req.valid("query")))
  .get("/pipelines/:id/tree", getPipelineTreeRoute, requireScope("read"), valid("param", IdParam), valid("query", TreeQuery),
    (c) => tree(c, c.req.valid("param").id, c.req.valid("query").root_only ?? false))
  .post("/pipelines/:id/rerun", rerunPipelineRoute, requireScope("write"), valid("param", IdParam), valid("json", RerunBody), idempotentWrite(), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return reply(c, RerunSchema, await rerunPipeline(services, pipeline, c.req.valid("json").from_phase));
  })
  .post("/pipelines/:id/cancel", cancelPipelineRoute, requireScope("write"), valid("param", IdParam), idempotentWrite(), (c) => cancel(c, c.req.valid("param").id));
