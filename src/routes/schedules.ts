import { describeRoute } from "hono-openapi";
import { idempotentWrite } from "./idempotency";
import { Hono, type Context } from "hono";
import * as v from "valibot";
import { named } from "../named-schema";
import { DELIVERY_HEADERS } from "../adapters/queue/interface";
import { deleteSchedule, findSchedule, insertSchedule, listSchedules, listTicks } from "../db/queries/schedules";
import { ApiError, badRequest, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { listPage, offsetPage } from "../http/list";
import { success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid } from "../http/validate";
import { phaseIndexOf, type CompiledPipeline } from "../pipeline/definition";
import { PHASE_TYPES } from "../pipeline/types";
import { isValidTimezone, nextRun, parseCron } from "../schedules/cron";
import { runDueSchedules } from "../schedules/tick";
import { IdParam, PageQuery, withOffset } from "./params";
import { ownPipeline } from "./pipelines";
import { Timestamp, Uuid } from "./schema-fields";

const cronIssue = (expression: string) => {
  try {
    parseCron(expression);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

const CreateScheduleBody = v.strictObject({
  pipeline_id: v.pipe(v.string(), v.uuid("must be a UUID"), v.description("the run to rerun; each tick reruns this same run")),
  cron: v.pipe(
    v.string(), v.trim(), v.maxLength(200),
    v.rawCheck(({ dataset, addIssue }) => {
      const issue = dataset.typed ? cronIssue(dataset.value) : null;
      if (issue) addIssue({ message: issue });
    }),
    v.description("5 fields: minute hour day-of-month month day-of-week; `*`, lists, ranges, steps, `jan`…`dec`, `sun`…`sat`"),
  ),
  from_phase: v.pipe(v.picklist(PHASE_TYPES), v.description("rerun from the first phase of this type, as `POST /v1/pipelines/{id}/rerun`")),
  timezone: v.optional(v.pipe(
    v.string(),
    v.maxLength(64),
    v.check(isValidTimezone, "must be an IANA timezone such as Europe/Berlin"),
    v.description("IANA timezone the cron is read in"),
  ), "UTC"),
});


const Schedule = named("Schedule", v.object({
  id: Uuid,
  pipeline_id: Uuid,
  cron: v.string(),
  timezone: v.string(),
  from_phase: v.picklist(PHASE_TYPES),
  next_run_at: v.pipe(v.nullable(Timestamp), v.description("null once the expression matches no date in the next five years")),
  created_at: Timestamp,
}));
const Tick = named("ScheduleTick", v.object({
  due_at: Timestamp,
  outcome: v.picklist(["fired", "skipped", "failed"]),
  detail: v.pipe(v.nullable(v.string()), v.description("documents enqueued, why it was skipped, or why it failed")),
  created_at: Timestamp,
}));
const ScheduleWithTicks = named("ScheduleWithTicks", v.object({ ...Schedule.entries, ticks: v.pipe(v.array(Tick), v.description("the last 20, newest first")) }));
const ScheduleList = named("SchedulePage", listPage(Schedule));

const SCHEDULE_EXAMPLE = {
  id: "0c6f3b9e-8d21-4a57-b2e4-7f19a05c3d68",
  pipeline_id: "9a4e2f71-6c3b-4d8a-a0f5-31e7b2c94d10",
  cron: "0 6 * * mon-fri",
  timezone: "Europe/Berlin",
  from_phase: "extraction",
  next_run_at: "2026-12-01T05:00:00.000Z",
  created_at: "2026-11-30T10:12:44.318Z",
};

const createScheduleRoute = describeRoute({
  operationId: "createSchedule",
  summary: "Schedule reruns of a pipeline by cron",
  description: "A cron, timezone or phase type that cannot work is a 400 at its path (including a phase type the run lacks, "
    + "and an expression that never fires).",
  tags: ["schedules"],
  responses: {
    ...success(201, "The schedule, with its first next_run_at", Schedule, { example: SCHEDULE_EXAMPLE }),
    404: { description: "No run with this pipeline_id in the organization" },
  },
});
const listSchedulesRoute = describeRoute({
  operationId: "listSchedules",
  summary: "List schedules",
  tags: ["schedules"],
  responses: success(200, "The organization's schedules, newest first", ScheduleList, {
    example: { items: [SCHEDULE_EXAMPLE], limit: 50, offset: 0, total: 1, next_cursor: null },
  }),
});
const getScheduleRoute = describeRoute({
  operationId: "getSchedule",
  summary: "Get a schedule with its recent ticks",
  tags: ["schedules"],
  responses: success(200, "The schedule and its last ticks", ScheduleWithTicks, {
    example: {
      ...SCHEDULE_EXAMPLE,
      ticks: [{ due_at: "2026-11-30T05:00:00.000Z", outcome: "fired", detail: "12 documents enqueued", created_at: "2026-11-30T05:00:01.204Z" }],
    },
  }),
});
const deleteScheduleRoute = describeRoute({
  operationId: "deleteSchedule",
  summary: "Delete a schedule; its ticks stay as history",
  tags: ["schedules"],
  responses: success(204, "Deleted: it fires no more"),
});

async function createSchedule(c: Context<AppEnv, string, { out: { json: v.InferOutput<typeof CreateScheduleBody> } }>) {
  const body = c.req.valid("json");
  const services = c.get("services");
  const caller = c.get("caller");
  const pipeline = await ownPipeline(services, caller, body.pipeline_id);
  if (phaseIndexOf(pipeline.config as unknown as CompiledPipeline, body.from_phase) < 0) {
    throw badRequest(`this pipeline has no ${body.from_phase} phase`, [{ path: "from_phase", message: `no phase of type '${body.from_phase}'` }]);
  }
  const nextRunAt = nextRun(parseCron(body.cron), services.clock.now(), body.timezone);
  if (!nextRunAt) throw badRequest("this cron expression never fires", [{ path: "cron", message: "matches no date in the next five years" }]);
  const row = await insertSchedule(services.db, {
    organizationId: caller.organizationId, pipelineId: pipeline.id, cron: body.cron, timezone: body.timezone,
    fromPhase: body.from_phase, nextRunAt, createdBy: caller.keyId,
  });
  return reply(c, Schedule, row, 201);
}

export const scheduleRoutes = new Hono<AppEnv>()
  .post("/schedules", createScheduleRoute, requireScope("write"), valid("json", CreateScheduleBody), idempotentWrite(), createSchedule)
  .get("/schedules", listSchedulesRoute, requireScope("read"), valid("query", PageQuery), async (c) => {
    const q = withOffset(c.req.valid("query"));
    const { items, total } = await listSchedules(c.get("services").db, c.get("caller").organizationId, q.limit, q.offset);
    return reply(c, ScheduleList, offsetPage(items, { limit: q.limit, offset: q.offset, total }));
  })
  .get("/schedules/:id", getScheduleRoute, requireScope("read"), valid("param", IdParam), async (c) => {
    const { db } = c.get("services");
    const schedule = await findSchedule(db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!schedule) throw notFound("schedule");
    return reply(c, ScheduleWithTicks, { ...schedule, ticks: await listTicks(db, schedule.id) });
  })
  .delete("/schedules/:id", deleteScheduleRoute, requireScope("write"), valid("param", IdParam), async (c) => {
    const deleted = await deleteSchedule(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!deleted) throw notFound("schedule");
    return c.body(null, 204);
  });

/**
 * For runtimes without a cron trigger: a QStash schedule POSTs here every minute, signed like
 * every queue delivery; the same tick as the Workers `scheduled` handler runs.
 */
export const scheduleTickRoutes = new Hono<AppEnv>().post("/internal/schedules/tick", async (c) => {
  const services = c.get("services");
  const signature = c.req.header(DELIVERY_HEADERS.signature) ?? "";
  if (!signature || !(await services.verifier.verify(signature, await c.req.text()))) {
    throw new ApiError("unauthorized", "tick signature did not verify");
  }
  return c.json(await runDueSchedules(services));
});
