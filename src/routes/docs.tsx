import { Hono } from "hono";
import type { FC } from "hono/jsx";
import type { AppEnv } from "../http/env";
import { openApiDocument } from "../http/openapi";

type Doc = Awaited<ReturnType<typeof openApiDocument>>;
type Parameter = { name: string; in: string; required?: boolean; schema?: { type?: string; enum?: unknown[]; format?: string } };
type Operation = {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
};
type Entry = { method: string; path: string; op: Operation };

const schemaText = (schema: Parameter["schema"]) => (schema?.enum ? schema.enum.join(" | ") : [schema?.type, schema?.format].filter(Boolean).join(", "));
const anchor = (method: string, path: string) => `${method}-${path.replace(/[^a-z0-9]+/gi, "-")}`;

const OperationView: FC<Entry> = ({ method, path, op }) => (
  <section id={anchor(method, path)}>
    <h3><code>{method.toUpperCase()} {path}</code></h3>
    {op.summary && <p>{op.summary}</p>}
    <p class="auth">{op.security ? "Needs an API key (X-API-Key or Bearer)." : "No API key."}</p>
    {op.parameters && op.parameters.length > 0 && (
      <table>
        <thead><tr><th scope="col">parameter</th><th scope="col">in</th><th scope="col">required</th><th scope="col">schema</th></tr></thead>
        <tbody>{op.parameters.map((p) => (
          <tr>
            <td><code>{p.name}</code></td>
            <td>{p.in}</td>
            <td>{p.required ? "yes" : "no"}</td>
            <td>{schemaText(p.schema)}</td>
          </tr>
        ))}</tbody>
      </table>
    )}
    {Object.entries(op.requestBody?.content ?? {}).map(([media, { schema }]) => (
      <details><summary>request body: {media}</summary><pre>{JSON.stringify(schema, null, 2)}</pre></details>
    ))}
    <dl>{Object.entries(op.responses ?? {}).map(([status, r]) => (
      <>
        <dt>{status}</dt>
        <dd>{r.description} {r.content && <small>({Object.keys(r.content).join(", ")})</small>}</dd>
      </>
    ))}</dl>
  </section>
);

const Reference: FC<{ doc: Doc }> = ({ doc }) => {
  const entries: Entry[] = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item ?? {}).map(([method, op]) => ({ method, path, op: op as Operation })));
  const tags = [...new Set(entries.map((e) => e.op.tags?.[0] ?? "other"))];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{doc.info.title} reference</title>
        <style>{
          "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
          + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}"
          + "pre{background:#f6f6f6;padding:.5rem;overflow:auto}dt{font-weight:600;float:left;width:3.5rem}"
          + "dd{margin-left:3.5rem}section{border-top:1px solid #ddd}"
        }</style>
      </head>
      <body>
        <h1>{doc.info.title} {doc.info.version}</h1>
        <p>{doc.info.description} Machine-readable: <a href="/openapi.json">/openapi.json</a>. Errors share one
          envelope, <code>{'{"error":{"code","message","details"?}}'}</code>; rate-limited responses
          carry <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code>, <code>RateLimit-Reset</code>, and a
          429 <code>Retry-After</code>.</p>
        <nav><ul>{tags.map((tag) => <li><a href={`#tag-${tag}`}>{tag}</a></li>)}</ul></nav>
        <main>
          {tags.map((tag) => (
            <>
              <h2 id={`tag-${tag}`}>{tag}</h2>
              {entries.filter((e) => (e.op.tags?.[0] ?? "other") === tag).map((e) => <OperationView {...e} />)}
            </>
          ))}
        </main>
      </body>
    </html>
  );
};

/** `/openapi.json` and a server-rendered `/docs` page, both built from the app they describe. */
export function docsRoutes(app: Hono<AppEnv>) {
  return new Hono<AppEnv>()
    .get("/openapi.json", async (c) => c.json(await openApiDocument(app, c.get("services").config.publicUrl)))
    .get("/docs", async (c) => c.html(<Reference doc={await openApiDocument(app, c.get("services").config.publicUrl)} />));
}
