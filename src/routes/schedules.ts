import { describeRoute } from "hono-openapi";
import { Hono } from "hono";
import * as v from "valibot";
import { DELIVERY_HEADERS } from "../adapters/queue/interface";
import { deleteSchedule, findSchedule, insertSchedule, listSchedules, listTicks } from "../db/queries/schedules";
import { ApiError, badRequest, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { valid } from "../http/validate";
import { phaseIndexOf, type CompiledPipeline } from "../pipeline/definition";
import { PHASE_TYPES } from "../pipeline/types";
import { isValidTimezone, nextRun, parseCron } from "../schedules/cron";
import { runDueSchedules } from "../schedules/tick";
import { IdParam } from "./params";
import { ownPipeline } from "./pipelines";

const CreateScheduleBody = v.strictObject({
  pipeline_id: v.pipe(v.string(), v.uuid("must be a UUID")),
  cron: v.pipe(v.string(), v.trim(), v.minLength(9), v.maxLength(200)),
  from_phase: v.picklist(PHASE_TYPES),
  timezone: v.optional(v.pipe(v.string(), v.maxLength(64), v.check(isValidTimezone, "must be an IANA timezone such as Europe/Berlin")), "UTC"),
});

const ListQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200)), "50"),
  offset: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0)), "0"),
});

function parsedCron(expression: string) {
  try {
    return parseCron(expression);
  } catch (error) {
    throw badRequest("invalid cron expression", [{ path: "cron", message: (error as Error).message }]);
  }
}

export const scheduleRoutes = new Hono<AppEnv>()
  .post("/schedules", describeRoute({ summary: "Schedule reruns of a pipeline by cron", tags: ["schedules"] }), requireScope("write"), valid("json", CreateScheduleBody), async (c) => {
    const body = c.req.valid("json");
    const services = c.get("services");
    const caller = c.get("caller");
    const spec = parsedCron(body.cron);
    const pipeline = await ownPipeline(services, caller, body.pipeline_id);
    if (phaseIndexOf(pipeline.config as unknown as CompiledPipeline, body.from_phase) < 0) {
      throw badRequest(`this pipeline has no ${body.from_phase} phase`, [{ path: "from_phase", message: `no phase of type '${body.from_phase}'` }]);
    }
    const nextRunAt = nextRun(spec, services.clock.now(), body.timezone);
    if (!nextRunAt) throw badRequest("this cron expression never fires", [{ path: "cron", message: "matches no date in the next five years" }]);
    const row = await insertSchedule(services.db, {
      organizationId: caller.organizationId, pipelineId: pipeline.id, cron: body.cron, timezone: body.timezone,
      fromPhase: body.from_phase, nextRunAt, createdBy: caller.keyId,
    });
    return c.json(row, 201);
  })
  .get("/schedules", describeRoute({ summary: "List schedules", tags: ["schedules"] }), requireScope("read"), valid("query", ListQuery), async (c) => {
    const q = c.req.valid("query");
    const { items, total } = await listSchedules(c.get("services").db, c.get("caller").organizationId, q.limit, q.offset);
    return c.json({ items, total, limit: q.limit, offset: q.offset });
  })
  .get("/schedules/:id", describeRoute({ summary: "Get a schedule with its recent ticks", tags: ["schedules"] }), requireScope("read"), valid("param", IdParam), async (c) => {
    const { db } = c.get("services");
    const schedule = await findSchedule(db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!schedule) throw notFound("schedule");
    return c.json({ ...schedule, ticks: await listTicks(db, schedule.id) });
  })
  .delete("/schedules/:id", describeRoute({ summary: "Delete a schedule", tags: ["schedules"] }), requireScope("write"), valid("param", IdParam), async (c) => {
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
