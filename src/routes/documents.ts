import { describeRoute, resolver } from "hono-openapi";
import { Hono } from "hono";
import * as v from "valibot";
import { named } from "../named-schema";
import { findDocumentContent, findPhaseOutput } from "../db/queries/documents";
import type { ParsedDocument } from "../documents/model";
import { CONTENT_FORMATS, renderJson, renderMarkdown, renderText } from "../documents/render";
import { CHUNK_CHARS, CHUNK_OVERLAP, renderChunks } from "../documents/render-chunks";
import { renderHtml } from "../documents/render-html";
import { badRequest, conflict, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { failure, success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid } from "../http/validate";
import type { CompiledPipeline } from "../pipeline/definition";
import { presentPhaseCells } from "../pipeline/records";
import { PHASE_TYPES, type Cells } from "../pipeline/types";
import { ownPipeline } from "./pipelines";
import { DOCUMENT_ID, RECORDS_EXAMPLE, RUN_ID } from "./run-examples";
import { CellSchema, StepLlmSchema } from "./run-schemas";

const ContentParams = v.object({
  id: v.pipe(v.string(), v.uuid("must be a UUID")),
  document_id: v.pipe(v.string(), v.uuid("must be a UUID")),
});
const ContentQuery = v.object({ format: v.optional(v.picklist(CONTENT_FORMATS), "text") });

const PhaseParams = v.object({
  ...ContentParams.entries,
  phase_index: v.pipe(v.string(), v.regex(/^\d{1,4}$/, "must be a phase index (0, 1, …)"), v.transform(Number)),
});

const PhaseOutputSchema = named("PhaseOutput", v.object({
  pipeline_id: v.string(),
  document_id: v.string(),
  phase_index: v.number(),
  phase_type: v.picklist(PHASE_TYPES),
  generation: v.pipe(v.number(), v.description("the run generation that wrote this output (a rerun rewrites the phases it runs)")),
  cells: v.pipe(v.record(v.string(), CellSchema), v.description("the document's cells after the phase, held values withheld as in records")),
  llm: v.pipe(
    v.nullable(v.object({ ...StepLlmSchema.entries, calls: v.array(v.record(v.string(), v.unknown())) })),
    v.description("extraction: the model calls with their request and answer (bounded; no secrets), for audit"),
  ),
}));

const Box = v.pipe(v.tuple([v.number(), v.number(), v.number(), v.number()]), v.description("[x0, y0, x1, y1] in points from the top-left"));
const Span = { text: v.string(), start: v.number(), end: v.number(), bbox: v.optional(Box) };

/** `?format=json`: pages → lines → words, with character spans into the page text and, on PDFs, boxes. */
const ContentSchema = named("DocumentContent", v.object({
  document_id: v.string(),
  mime_type: v.string(),
  filename: v.nullable(v.string()),
  coordinates: v.pipe(v.nullable(v.object({ unit: v.literal("pt"), origin: v.literal("top-left") })), v.description("set when words have boxes")),
  pages: v.array(v.object({
    page: v.pipe(v.number(), v.description("zero-based, numbered as in the source")),
    text: v.string(),
    lines: v.array(v.object({ ...Span, words: v.array(v.object(Span)) })),
  })),
  tables: v.array(v.object({
    header: v.array(v.string()),
    rows: v.array(v.array(v.string())),
    page: v.optional(v.pipe(v.number(), v.description("PDFs: the page the table starts on, zero-based, as in the source"))),
    bbox: v.optional(Box),
    row_boxes: v.optional(v.array(Box)),
    method: v.optional(v.pipe(v.picklist(["lattice", "stream", "markup"]), v.description("lattice: a ruled grid; stream: aligned text"))),
  })),
}));

/** `?format=chunks`: retrieval blocks of bounded size. */
const ChunksSchema = named("DocumentChunks", v.object({
  document_id: v.string(),
  chunks: v.array(v.object({
    id: v.string(),
    page: v.pipe(v.number(), v.description("zero-based, numbered as in the source")),
    type: v.picklist(["heading", "paragraph", "table", "list"]),
    text: v.pipe(v.string(), v.description("tables as Markdown tables")),
    bbox: v.optional(Box),
    span: v.pipe(v.tuple([v.number(), v.number()]), v.description("[start, end) in the page text")),
  })),
}));

const PAGE_TEXT = "ACME Ltd\nInvoice No: INV-1\nTotal: 101.00\n";
const word = (text: string, start: number) => ({ text, start, end: start + text.length });
const CONTENT_EXAMPLE = {
  document_id: DOCUMENT_ID, mime_type: "text/plain", filename: "inv-1.txt", coordinates: null, tables: [],
  pages: [{
    page: 0, text: PAGE_TEXT,
    lines: [
      { text: "ACME Ltd", start: 0, end: 8, words: [word("ACME", 0), word("Ltd", 5)] },
      { text: "Invoice No: INV-1", start: 9, end: 26, words: [word("Invoice", 9), word("No:", 17), word("INV-1", 21)] },
      { text: "Total: 101.00", start: 27, end: 40, words: [word("Total:", 27), word("101.00", 34)] },
    ],
  }],
};

const PHASE_OUTPUT_EXAMPLE = {
  pipeline_id: RUN_ID, document_id: DOCUMENT_ID, phase_index: 2, phase_type: "resolution", generation: 1,
  cells: RECORDS_EXAMPLE.records["inv-1"].fields,
  llm: null,
};

const getDocumentPhaseOutputRoute = describeRoute({
  operationId: "getDocumentPhaseOutput",
  summary: "Read a document's stored output of one phase: its cells after that phase (a non-transfer step's result_url)",
  description: "What a rerun from the next phase resumes from (a step's `checkpoint_id`). Holdback applies as in records: "
    + "a cell parked for review or rejected shows its status and reason, never its value. 404 until the phase has stored an output; "
    + "400 for a phase index the run does not have.",
  tags: ["pipelines"],
  responses: success(200, "The phase output", PhaseOutputSchema, { example: PHASE_OUTPUT_EXAMPLE }),
});

const getDocumentContentRoute = describeRoute({
  operationId: "getDocumentContent",
  summary: "Read a document as parsed: the text extractors see, Markdown, or pages → lines → words with boxes",
  description: "`text` (text/plain): the pages extractors search, separated by a form feed. `markdown` (text/markdown): headings "
    + "and tables where the source has them (HTML, CSV, Office), a PDF's tables found on its pages as Markdown tables in place and "
    + "its other layout text fenced page by page. `json` (application/json): pages → lines → words with character spans and, on "
    + "PDFs, boxes `[x0, y0, x1, y1]` in points from the top-left of the page; `tables` lists the tables found, on PDFs with "
    + "their page, box and how they were found. "
    + "`html` (text/html): a sanitised page per document built from the parse (escaped text, no scripts, styles, images or links; "
    + "a policy that loads nothing). `chunks` (application/json): headings, paragraphs, lists and tables in reading order, "
    + `each at most ${CHUNK_CHARS} characters (a longer paragraph is cut with ${CHUNK_OVERLAP} characters of overlap, a table between rows with its header).`,
  tags: ["pipelines"],
  responses: {
    200: {
      description: "The parsed document in the requested format",
      content: {
        "text/plain": { schema: { type: "string" }, example: PAGE_TEXT },
        "text/markdown": { schema: { type: "string" }, example: "ACME Ltd\n\nInvoice No: INV-1\n\nTotal: 101.00\n" },
        "application/json": { schema: resolver(v.union([ContentSchema, ChunksSchema])), example: CONTENT_EXAMPLE },
        "text/html": { schema: { type: "string" }, example: "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">…</head>\n<body>\n<section data-page=\"1\">\n<p>ACME Ltd</p></section>\n</body></html>\n" },
      },
    },
    ...failure(409, "The document has not been transferred (parsed) yet"),
  },
});

export const documentRoutes = new Hono<AppEnv>().get(
  "/pipelines/:id/documents/:document_id/content",
  getDocumentContentRoute,
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
    if (format === "json") return reply(c, ContentSchema, { document_id: document.id, ...renderJson(parsed) });
    if (format === "chunks") return reply(c, ChunksSchema, { document_id: document.id, chunks: renderChunks(parsed) });
    if (format === "html") {
      return c.body(renderHtml(parsed), 200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'; sandbox" });
    }
    const body = format === "markdown" ? renderMarkdown(parsed) : renderText(parsed);
    const type = format === "markdown" ? "text/markdown" : "text/plain";
    return c.body(body, 200, { "Content-Type": `${type}; charset=utf-8` });
  },
).get(
  "/pipelines/:id/documents/:document_id/phases/:phase_index",
  getDocumentPhaseOutputRoute,
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
    return reply(c, PhaseOutputSchema, {
      pipeline_id: pipeline.id, document_id: output.document_id, phase_index, phase_type: phase.type,
      generation: output.generation, cells: presentPhaseCells(config, output.cells as Cells, { ...output, cells: output.current_cells }),
      llm: (output.llm ?? null) as v.InferOutput<typeof PhaseOutputSchema>["llm"],
    });
  },
);
