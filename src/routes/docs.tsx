import { Hono } from "hono";
import type { FC } from "hono/jsx";
import type { AppEnv } from "../http/env";
import { openApiDocument } from "../http/openapi";

type Doc = Awaited<ReturnType<typeof openApiDocument>>;
type Parameter = { name: string; in: string; required?: boolean; schema?: { type?: string; enum?: unknown[]; format?: string } };
type Operation = { summary?: string; tags?: string[]; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: unknown }> }; responses?: Record<string, { description?: string }> };

const schemaText = (schema: Parameter["schema"]) => (schema?.enum ? schema.enum.join(" | ") : [schema?.type, schema?.format].filter(Boolean).join(", "));

const OperationView: FC<{ method: string; path: string; op: Operation }> = ({ method, path, op }) => (
  <section id={`${method}-${path}`}>
    <h3><code>{method.toUpperCase()} {path}</code></h3>
    {op.summary && <p>{op.summary}</p>}
    {op.parameters && op.parameters.length > 0 && (
      <table>
        <thead><tr><th scope="col">parameter</th><th scope="col">in</th><th scope="col">required</th><th scope="col">schema</th></tr></thead>
        <tbody>{op.parameters.map((p) => <tr><td><code>{p.name}</code></td><td>{p.in}</td><td>{p.required ? "yes" : "no"}</td><td>{schemaText(p.schema)}</td></tr>)}</tbody>
      </table>
    )}
    {op.requestBody?.content?.["application/json"] && (
      <details><summary>request body (JSON Schema)</summary><pre>{JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)}</pre></details>
    )}
    <p>responses: {Object.keys(op.responses ?? {}).join(", ")}</p>
  </section>
);

const Reference: FC<{ doc: Doc }> = ({ doc }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{doc.info.title} reference</title>
      <style>{"body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}pre{background:#f6f6f6;padding:.5rem;overflow:auto}"}</style>
    </head>
    <body>
      <h1>{doc.info.title} {doc.info.version}</h1>
      <p>{doc.info.description} Machine-readable: <a href="/openapi.json">/openapi.json</a>. Authenticate with <code>X-API-Key</code> or <code>Authorization: Bearer</code>.</p>
      <main>
        {Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
          Object.entries(item ?? {}).map(([method, op]) => <OperationView method={method} path={path} op={op as Operation} />),
        )}
      </main>
    </body>
  </html>
);

/** `/openapi.json` and a server-rendered `/docs` page, both built from the app they describe. */
export function docsRoutes(app: Hono<AppEnv>) {
  return new Hono<AppEnv>()
    .get("/openapi.json", async (c) => c.json(await openApiDocument(app, c.get("services").config.publicUrl)))
    .get("/docs", async (c) => c.html(<Reference doc={await openApiDocument(app, c.get("services").config.publicUrl)} />));
}
