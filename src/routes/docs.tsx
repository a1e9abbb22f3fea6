import { Hono } from "hono";
import { raw } from "hono/html";
import type { AppEnv } from "../http/env";
import { openApiDocument } from "../http/openapi";
import { renderPage } from "../web/page";
import { referenceHtml as renderReference } from "../web/reference/page";

type Document = Awaited<ReturnType<typeof openApiDocument>>;
// The document is made once per public URL; so are its JSON text (~800 KB, ~15 ms to serialise)
// and its page, which takes a few hundred ms to render.
const pages = new WeakMap<Document, Promise<string>>();
const texts = new WeakMap<Document, string>();

function documentText(doc: Document): string {
  let text = texts.get(doc);
  if (text === undefined) {
    text = JSON.stringify(doc);
    texts.set(doc, text);
  }
  return text;
}

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
    .get("/openapi.json", async (c) => {
      const doc = await openApiDocument(app, c.get("services").config.publicUrl);
      return c.body(documentText(doc), 200, { "content-type": "application/json" });
    })
    .get("/docs", async (c) => {
      const doc = await openApiDocument(app, c.get("services").config.publicUrl);
      return renderPage(c, raw(await referenceHtml(doc)));
    });
}
