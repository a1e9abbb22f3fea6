import { describeRoute } from "hono-openapi";
import { Hono } from "hono";
import * as v from "valibot";
import { findDocumentContent } from "../db/queries/documents";
import type { ParsedDocument } from "../documents/model";
import { CONTENT_FORMATS, renderJson, renderMarkdown, renderText } from "../documents/render";
import { conflict, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { valid } from "../http/validate";
import { ownPipeline } from "./pipelines";

const ContentParams = v.object({
  id: v.pipe(v.string(), v.uuid("must be a UUID")),
  document_id: v.pipe(v.string(), v.uuid("must be a UUID")),
});
const ContentQuery = v.object({ format: v.optional(v.picklist(CONTENT_FORMATS), "text") });

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
);
