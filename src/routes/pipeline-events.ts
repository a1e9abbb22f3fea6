import { describeRoute } from "hono-openapi";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import * as v from "valibot";
import { findPipeline, listEvents } from "../db/queries/pipelines";
import { notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { HEADER_PARAMETERS, success } from "../http/openapi";
import { valid } from "../http/validate";
import { IdParam } from "./params";

/** An edge function may not hold a stream forever: end after this and let the client resume. */
const STREAM_SECONDS = 25;
const POLL_MS = 500;

const EventsQuery = v.object({
  last_event_id: v.optional(v.pipe(v.string(), v.regex(/^\d{1,18}$/, "must be an event id"), v.description("as the Last-Event-ID header"))),
});

/**
 * Server-Sent Events of a run's state changes, read from the event table so any instance can
 * serve them. `Last-Event-ID` (or `?last_event_id`) resumes after the last event a client saw.
 */
export const pipelineEventRoutes = new Hono<AppEnv>().get(
  "/pipelines/:id/events",
  describeRoute({
    operationId: "streamPipelineEvents",
    summary: "Stream state changes as Server-Sent Events",
    description: "Events `document.phase` (a document finished a phase) and `pipeline.finished`, each with an increasing id. "
      + `The stream ends after the run finishes, or after ${STREAM_SECONDS} s; reconnect with Last-Event-ID to resume.`,
    tags: ["pipelines"],
    parameters: [HEADER_PARAMETERS.lastEventId],
    responses: success(200, "One event per state change; resumes after Last-Event-ID", "text/event-stream", {
      example: 'event: document.phase\ndata: {"step":"completed","phase":"validation","status":"complete","generation":1,'
        + '"document_id":"6067541a-ce0d-4e33-86ad-480d4772dc3d","phase_index":3}\nid: 4\nretry: 1000\n\n',
    }),
  }),
  requireScope("read"),
  valid("param", IdParam),
  valid("query", EventsQuery),
  async (c) => {
    const { db, clock } = c.get("services");
    const pipeline = await findPipeline(db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!pipeline) throw notFound("pipeline");
    const resumeFrom = c.req.header("Last-Event-ID") ?? c.req.valid("query").last_event_id ?? "0";
    let lastId = /^\d{1,18}$/.test(resumeFrom) ? Number(resumeFrom) : 0;
    const deadline = clock.now().getTime() + STREAM_SECONDS * 1000;
    return streamSSE(c, async (stream) => {
      let finished = false;
      while (!finished && !stream.aborted && clock.now().getTime() < deadline) {
        const events = await listEvents(db, pipeline.id, lastId);
        for (const event of events) {
          await stream.writeSSE({ id: String(event.id), event: event.type, data: JSON.stringify(event.data), retry: 1000 });
          lastId = Number(event.id);
          finished ||= event.type === "pipeline.finished";
        }
        if (!finished && events.length === 0) await stream.sleep(POLL_MS);
      }
    });
  },
);
