import { Hono } from "hono";
import { raw } from "hono/html";
import type { AppEnv } from "../http/env";
import { openApiDocument } from "../http/openapi";
import { renderPage } from "../web/page";
import { referenceHtml as renderReference } from "../web/reference/page";

type Document = Awaited<ReturnType<typeof openApiDocument>>;
// The document is made once per public URL; so is its page, which takes a few hundred ms to render.
const pages = new WeakMap<Document, Promise<string>>();

function referenceHtml(doc: Document): Promise<string> {
  let page = pages.get(doc);
  if (!page) {
    page = renderReference(doc);
    pages.set(doc, page);
  }
  return page;
}

/** `/openapi.json` and a server-rendered `/docs` page, both built from the app they describe. */
export function docsRoutes(app: Hono<AppEnv>) {
  return new Hono<AppEnv>()
    .get("/openapi.json", async (c) => c.json(await openApiDocument(app, c.get("services").config.publicUrl)))
    .get("/docs", async (c) => {
      const doc = await openApiDocument(app, c.get("services").config.publicUrl);
      return renderPage(c, raw(await referenceHtml(doc)));
    });
}
