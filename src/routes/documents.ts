import { describeRoute } from "hono-openapi";
import { Hono } from "hono";
import * as v from "valibot";
import { findDocumentContent, findPhaseOutput } from "../db/queries/documents";
import type { ParsedDocument } from "../documents/model";
import { CONTENT_FORMATS, renderJson, renderMarkdown, renderText } from "../documents/render";
import { badRequest, conflict, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { success } from "../http/openapi";
import { valid } from "../http/validate";
import type { CompiledPipeline } from "../pipeline/definition";
import { presentPhaseCells } from "../pipeline/records";
import type { Cells } from "../pipeline/types";
import { ownPipeline } from "./pipelines";

const ContentParams = v.object({
  id: v.pipe(v.string(), v.uuid("must be a UUID")),
  document_id: v.pipe(v.string(), v.uuid("must be a UUID")),
});
const ContentQuery = v.object({ format: v.optional(v.picklist(CONTENT_FORMATS), "text") });

const PhaseParams = v.object({
  ...ContentParams.entries,
  phase_index: v.pipe(v.string(), v.regex(/^\d{1,4}$/, "must be a phase index (0, 1, …)"), v.transform(Number)),
});

const PhaseOutputSchema = v.object({
  pipeline_id: v.string(),
  document_id: v.string(),
  phase_index: v.number(),
  phase_type: v.string(),
  generation: v.pipe(v.number(), v.description("the run generation that wrote this output (a rerun rewrites the phases it runs)")),
  cells: v.pipe(v.record(v.string(), v.object({})), v.description("the document's cells after the phase, held values withheld as in records")),
});

const getPhaseOutput = describeRoute({
  summary: "Read a document's stored output of one phase: its cells after that phase (a non-transfer step's result_url)",
  description: "What a rerun from the next phase resumes from (a step's `checkpoint_id`). Holdback applies as in records: "
    + "a cell parked for review or rejected shows its status and reason, never its value. 404 until the phase has stored an output.",
  tags: ["pipelines"],
  responses: success(200, "The phase output", PhaseOutputSchema),
});

const getContent = describeRoute({
  summary: "Read a document as parsed: the text extractors see, Markdown, or pages → lines → words with boxes",
  description: "`text`: the pages extractors search, separated by a form feed. `markdown`: headings and tables where the source "
    + "has them (HTML, CSV), a PDF's layout text fenced page by page. `json`: pages → lines → words with character spans and, "
    + "on PDFs, boxes `[x0, y0, x1, y1]` in points from the top-left of the page. 409 until transfer has run.",
  tags: ["pipelines"],
  responses: {
    200: {
      description: "The parsed document in the requested format",
      content: {
        "text/plain": { schema: { type: "string" } },
        "text/markdown": { schema: { type: "string" } },
        "application/json": { schema: { type: "object" } },
      },
    },
    409: { description: "The document has not been transferred (parsed) yet" },
  },
});

export const documentRoutes = new Hono<AppEnv>().get(
  "/pipelines/:id/documents/:document_id/content",
  getContent,
  requireScope("read"),
  valid("param", ContentParams),
  valid("query", ContentQuery),
  async (c) => {
    const services = c.get("services");
    const caller = c.get("caller");
    const { id, document_id } = c.req.valid("param");
    const pipeline = await ownPipeline(services, caller, id);
    const document = await findDocumentContent(services.db, caller.organizationId, pipeline.id, document_id);
    if (!document) throw notFound("document");
    if (!document.parsed) throw conflict(`the document has no parsed content yet (status '${document.status}')`);
    const parsed = document.parsed as unknown as ParsedDocument;
    const format = c.req.valid("query").format;
    if (format === "json") return c.json({ document_id: document.id, ...renderJson(parsed) });
    const body = format === "markdown" ? renderMarkdown(parsed) : renderText(parsed);
    const type = format === "markdown" ? "text/markdown" : "text/plain";
    return c.body(body, 200, { "Content-Type": `${type}; charset=utf-8` });
  },
).get(
  "/pipelines/:id/documents/:document_id/phases/:phase_index",
  getPhaseOutput,
  requireScope("read"),
  valid("param", PhaseParams),
  async (c) => {
    const services = c.get("services");
    const caller = c.get("caller");
    const { id, document_id, phase_index } = c.req.valid("param");
    const pipeline = await ownPipeline(services, caller, id);
    const config = pipeline.config as unknown as CompiledPipeline;
    const phase = config.phases[phase_index];
    if (!phase) {
      const message = `the run has ${config.phases.length} phases (0 to ${config.phases.length - 1})`;
      throw badRequest("invalid param", [{ path: "param.phase_index", message }]);
    }
    const output = await findPhaseOutput(services.db, caller.organizationId, pipeline.id, document_id, phase_index);
    if (!output) throw notFound(`phase ${phase_index} output of the document`);
    return c.json({
      pipeline_id: pipeline.id, document_id: output.document_id, phase_index, phase_type: phase.type,
      generation: output.generation, cells: presentPhaseCells(config, output.cells as Cells, { ...output, cells: output.current_cells }),
    });
  },
);
