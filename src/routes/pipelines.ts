import { describeRoute } from "hono-openapi";
import { Hono, type Context } from "hono";
import * as v from "valibot";
import { sha256Hex } from "../crypto";
import { releaseIdempotencyKey, reserveIdempotencyKey } from "../db/queries/idempotency";
import { cancelPipeline, findPipeline, listChildren, listPipelines, listRecordDocuments, listSteps } from "../db/queries/pipelines";
import { findExecution, listExecutionTree } from "../db/queries/executions";
import { ApiError, badRequest, conflict, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv, Caller } from "../http/env";
import { multipartBody } from "../http/multipart";
import { multipartForm, success } from "../http/openapi";
import { valid } from "../http/validate";
import { announceFinish } from "../webhooks/deliver";
import { createPipeline, CreatePipelineBody, MAX_SYNC_DOCUMENTS, type CreatePipelineInput } from "../pipeline/create";
import { presentPipeline, presentStep } from "../pipeline/present";
import { loadRunDetail, presentExecution, presentRun } from "../pipeline/run-view";
import { presentRecords } from "../pipeline/records";
import { rerunPipeline } from "../pipeline/rerun";
import { runPipelineInline } from "../pipeline/sync";
import { PHASE_TYPES } from "../pipeline/types";
import type { Services } from "../http/env";
import { IdParam, PageQuery, withOffset } from "./params";
import { RunSchema, TreeSchema } from "./run-schemas";

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const IdempotencyKey = v.pipe(v.string(), v.minLength(1), v.maxLength(255), v.regex(/^[\x21-\x7e]+$/, "must be printable ASCII"));

const ListQuery = v.object({
  status: v.optional(v.picklist(["running", "completed", "partial", "failed", "cancelled"])),
  template_id: v.optional(v.pipe(v.string(), v.uuid())),
  root_only: v.optional(v.pipe(v.picklist(["true", "false"]), v.transform((s) => s === "true"))),
  ...PageQuery.entries,
});

const RerunBody = v.strictObject({ from_phase: v.picklist(PHASE_TYPES) });

const TreeQuery = v.object({
  root_only: v.optional(v.pipe(v.picklist(["true", "false"]), v.transform((s) => s === "true"))),
});

const StepsQuery = v.object({
  execution_id: v.optional(v.pipe(v.string(), v.uuid("must be a UUID"))),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000)), "200"),
  after: v.optional(v.pipe(v.string(), v.regex(/^\d{1,18}$/, "must be a step id"))),
});

/** Loads a run of the caller's organization; another tenant's id is simply not found. */
export async function ownPipeline(services: Services, caller: Caller, id: string) {
  const pipeline = await findPipeline(services.db, caller.organizationId, id);
  if (!pipeline) throw notFound("pipeline");
  return pipeline;
}

/**
 * Runs `run` once per `Idempotency-Key` (24 h): a repeat with the same body replays the first
 * response, another body is a 422, a repeat while the first is still running a 409.
 */
async function idempotent(c: Context<AppEnv>, body: CreatePipelineInput, status: 200 | 202, run: (key?: string) => Promise<object>, scope = "") {
  const services = c.get("services");
  const caller = c.get("caller");
  const header = c.req.header("Idempotency-Key");
  if (header === undefined) return c.json(await run(), status);
  const key = v.safeParse(IdempotencyKey, header);
  if (!key.success) throw badRequest("invalid Idempotency-Key header", [{ path: "header.idempotency-key", message: key.issues[0].message }]);
  // The scope is part of the fingerprint: a key first used to create cannot replay as a sync run.
  const fingerprint = await sha256Hex(scope + JSON.stringify(body));
  const reservation = await reserveIdempotencyKey(services.db, caller.organizationId, key.output, fingerprint, IDEMPOTENCY_TTL_SECONDS);
  if (reservation.kind === "replay") return c.json(reservation.body as object, reservation.status as typeof status);
  if (reservation.kind === "mismatch") throw new ApiError("unprocessable", "this Idempotency-Key was used with a different request");
  if (reservation.kind === "in_flight") throw conflict("a request with this Idempotency-Key is still in progress");
  try {
    return c.json(await run(key.output), status);
  } catch (error) {
    await releaseIdempotencyKey(services.db, caller.organizationId, key.output);
    throw error;
  }
}

const create = (c: Context<AppEnv>, body: CreatePipelineInput) =>
  idempotent(c, body, 202, (key) => createPipeline(c.get("services"), c.get("caller"), body, key));

async function sync(c: Context<AppEnv>, body: CreatePipelineInput) {
  if (body.documents.length > MAX_SYNC_DOCUMENTS) {
    throw badRequest(`sync runs take at most ${MAX_SYNC_DOCUMENTS} documents; use POST /v1/pipelines`, [
      { path: "documents", message: `at most ${MAX_SYNC_DOCUMENTS} items` },
    ]);
  }
  return idempotent(c, body, 200, (key) => runPipelineInline(c.get("services"), c.get("caller"), body, key), "sync:");
}

export const pipelineRoutes = new Hono<AppEnv>()
  .post("/pipelines", describeRoute({ summary: "Create a pipeline run (202); JSON or multipart (file.0, file.1, …)", tags: ["pipelines"], requestBody: multipartForm, responses: success(202, "The run, queued; an Idempotency-Key replays this response for 24 h", RunSchema) }), requireScope("write"),
    multipartBody(CreatePipelineBody, create), valid("json", CreatePipelineBody), (c) => create(c, c.req.valid("json")))
  .post("/pipelines/sync", describeRoute({ summary: "Run a small pipeline inline and return its records", tags: ["pipelines"], requestBody: multipartForm, responses: success(200, "The finished run with its records") }), requireScope("write"),
    multipartBody(CreatePipelineBody, sync), valid("json", CreatePipelineBody), (c) => sync(c, c.req.valid("json")))
  .get("/pipelines", describeRoute({ summary: "List pipeline runs", tags: ["pipelines"], responses: success(200, "{ items, total, limit, offset }") }), requireScope("read"), valid("query", ListQuery), async (c) => {
    const q = withOffset(c.req.valid("query"));
    const { items, total } = await listPipelines(c.get("services").db, c.get("caller").organizationId, {
      status: q.status, templateId: q.template_id, rootOnly: q.root_only, limit: q.limit, offset: q.offset,
    });
    return c.json({ items: items.map((row) => presentPipeline(row)), total, limit: q.limit, offset: q.offset });
  })
  .get("/pipelines/:id", describeRoute({ summary: "Get a run: status, counts, config snapshot, usage", tags: ["pipelines"], responses: success(200, "The run with its current execution and its steps per phase", RunSchema) }), requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return c.json(presentRun(pipeline, await loadRunDetail(services.db, pipeline)));
  })
  .get("/pipelines/:id/records", describeRoute({ summary: "Get the run’s records (pipe0 shape)", tags: ["pipelines"], responses: success(200, "{ id, status, order, field_definitions, records, errors }") }), requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return c.json(presentRecords(pipeline, await listRecordDocuments(services.db, pipeline.id)));
  })
  .get("/pipelines/:id/steps", describeRoute({ summary: "List the run’s phase executions; a completed transfer step names its parse in result_url", tags: ["pipelines"], responses: success(200, "{ items, next_after }") }), requireScope("read"), valid("param", IdParam), valid("query", StepsQuery), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    const q = c.req.valid("query");
    const items = (await listSteps(services.db, pipeline.id, q.limit, q.after, q.execution_id))
      .map((step) => presentStep(pipeline, step));
    return c.json({ items, next_after: items.length === q.limit ? items[items.length - 1].id : null });
  })
  .get("/pipelines/:id/tree", describeRoute({ summary: "The run's executions (first run, reruns, scheduled reruns) with lineage and depth", tags: ["pipelines"], responses: success(200, "The runs sharing this run's root (items) and its executions with lineage", TreeSchema) }), requireScope("read"), valid("param", IdParam), valid("query", TreeQuery), async (c) => {
    const services = c.get("services");
    const caller = c.get("caller");
    const pipeline = await ownPipeline(services, caller, c.req.valid("param").id);
    const current = await findExecution(services.db, pipeline.execution_id!);
    const [runs, executions] = await Promise.all([
      listChildren(services.db, caller.organizationId, pipeline.root_id),
      listExecutionTree(services.db, caller.organizationId, current!.root_id, c.req.valid("query").root_only ?? false),
    ]);
    return c.json({ root_id: pipeline.root_id, items: runs, execution_root_id: current!.root_id, executions: executions.map(presentExecution) });
  })
  .post("/pipelines/:id/rerun", describeRoute({ summary: "Rerun from the first phase of a type", tags: ["pipelines"], responses: success(200, "{ enqueued, fromPhaseIndex }") }), requireScope("write"), valid("param", IdParam), valid("json", RerunBody), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return c.json(await rerunPipeline(services, pipeline, c.req.valid("json").from_phase));
  })
  .post("/pipelines/:id/cancel", describeRoute({ summary: "Cancel every unfinished document", tags: ["pipelines"], responses: { ...success(200, "{ id, status, cancelled_documents }"), 409: { description: "The run has already finished" } } }), requireScope("write"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    if (pipeline.status !== "running") throw conflict(`pipeline already finished with status '${pipeline.status}'`);
    const result = await cancelPipeline(services.db, pipeline.id);
    if (result.finished && result.stopped > 0) await announceFinish(services, pipeline.id, pipeline.generation, pipeline.webhook_url);
    return c.json({ id: pipeline.id, status: result.status, cancelled_documents: result.stopped });
  });
