import type { FC } from "hono/jsx";
import { operationAnchor } from "../../errors";
import { serverUrl } from "../../http/openapi";
import { curlLine } from "./curl";
import { Inline, Markdown } from "./markdown";
import { skeleton } from "./sample";
import { SchemaView, schemaAnchor, type Schema, type SchemaContext } from "./schema";

type Ref = { $ref?: string };
type Example = { summary?: string; description?: string; value?: unknown } & Ref;
type Media = { schema?: Schema; example?: unknown; examples?: Record<string, Example> };
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema } & Ref;
type Response = { description?: string; headers?: Record<string, unknown>; content?: Record<string, Media> } & Ref;
export type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, unknown>>;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, Media> } & Ref;
  responses?: Record<string, Response>;
};

/** The parts of an OpenAPI 3.1 document the reference reads. */
export interface ApiDocument {
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string; variables?: Record<string, { default: string }> }>;
  tags?: Array<{ name: string; description?: string }>;
  paths?: Record<string, Record<string, unknown> | undefined>;
  components?: Record<string, unknown>;
}

export type Entry = { method: string; path: string; op: Operation };

/** Follows a local `$ref` (`#/components/parameters/X`) to what it names; schemas keep theirs, to be linked. */
function deref<T extends Ref>(doc: ApiDocument, value: T): T {
  if (!value.$ref?.startsWith("#/")) return value;
  const target = value.$ref.slice(2).split("/").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  return (target as T | undefined) ?? value;
}

/** The section id: `post-v1-pipelines`, the anchor the API's error `docs` links point at. */
export const anchorOf = (e: Entry) => operationAnchor(e.method, e.path);
/** The heading id: the operationId (`#rerunPipeline`), a second stable anchor for people and tools. */
export const headingIdOf = (e: Entry) => e.op.operationId ?? `${anchorOf(e)}-h`;
const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The examples of a media type, whichever way the document gives them. */
function examplesOf(doc: ApiDocument, media: Media): Array<{ label?: string; description?: string; value: unknown }> {
  if (media.example !== undefined) return [{ value: media.example }];
  return Object.entries(media.examples ?? {}).map(([name, e]) => {
    const example = deref(doc, e);
    return { label: example.summary ?? name, description: example.description, value: example.value };
  });
}

const Examples: FC<{ examples: ReturnType<typeof examplesOf>; what?: string }> = ({ examples, what = "Example" }) => (
  <>{examples.map((e) => (
    <figure class="example">
      <figcaption>{what}{e.label ? <>: <Inline text={e.label} /></> : ""}</figcaption>
      {e.description && <Markdown text={e.description} />}
      <pre><code>{json(e.value)}</code></pre>
    </figure>
  ))}</>
);

/** A media type's schema, folded: the examples say most of what a reader needs first. */
const Body: FC<{ doc: ApiDocument; ctx: SchemaContext; content?: Record<string, Media>; examplesShownAbove?: string }> = (p) => (
  <>{Object.entries(p.content ?? {}).map(([type, media]) => (
    <div class="media">
      {media.schema && (
        <details class="schema-box">
          <summary>Schema <code>{type}</code></summary>
          <SchemaView schema={media.schema} ctx={p.ctx} />
        </details>
      )}
      {type !== p.examplesShownAbove && <Examples examples={examplesOf(p.doc, media)} />}
    </div>
  ))}</>
);

const Parameters: FC<{ params: Parameter[]; ctx: SchemaContext }> = ({ params, ctx }) => (
  <>
    <h4>Parameters</h4>
    <ul class="params">{params.map((p) => (
      <li>
        <code class="name">{p.name}</code> <span class="in">in {p.in}</span>
        <SchemaView schema={{ ...p.schema, description: p.description ?? p.schema?.description }} ctx={ctx} required={p.required} />
      </li>
    ))}</ul>
  </>
);

/** Responses folded under one line of status codes; errors as a compact list, since they share the envelope. */
const Responses: FC<{ doc: ApiDocument; ctx: SchemaContext; responses: Record<string, Response> }> = ({ doc, ctx, responses }) => {
  const all = Object.entries(responses).map(([status, r]) => [status, deref(doc, r)] as const);
  const errors = all.filter(([status]) => Number(status) >= 400);
  return (
    <details class="responses">
      <summary>Responses: {all.map(([status]) => status).join(" · ")}</summary>
      {all.filter(([status]) => Number(status) < 400).map(([status, r]) => (
        <div class="response">
          <p><span class="status">{status}</span> <Inline text={r.description ?? ""} /></p>
          {r.headers && <p class="headers">Headers: {Object.keys(r.headers).map((h) => <code>{h}</code>)}</p>}
          <Body doc={doc} ctx={ctx} content={r.content} />
        </div>
      ))}
      {errors.length > 0 && (
        <ul class="errors">{errors.map(([status, r]) => {
          const media = r.content?.["application/json"];
          const shared = media?.schema?.$ref === "#/components/schemas/Error";
          return (
            <li>
              <span class="status">{status}</span> <Inline text={r.description ?? ""} />
              {shared && <> (<a href={`#${schemaAnchor("Error")}`}>Error</a>)</>}
              {media && !shared && <Body doc={doc} ctx={ctx} content={r.content} />}
              {media && shared && <Examples examples={examplesOf(doc, media)} />}
            </li>
          );
        })}</ul>
      )}
    </details>
  );
};

/** The JSON body the curl line sends: the document's first example, else the required fields' skeleton. */
function requestExample(doc: ApiDocument, ctx: SchemaContext, media: Media): unknown {
  const documented = examplesOf(doc, media)[0];
  return documented ? documented.value : skeleton(media.schema ?? {}, ctx.components);
}

function curlFor(doc: ApiDocument, ctx: SchemaContext, { method, path, op }: Entry) {
  const jsonBody = deref(doc, op.requestBody ?? {}).content?.["application/json"];
  const success = Object.entries(op.responses ?? {}).find(([status]) => status.startsWith("2"))?.[1];
  return curlLine(serverUrl(doc), {
    method,
    path,
    needsKey: (op.security ?? []).length > 0,
    parameters: (op.parameters ?? []).map((p) => deref(doc, p)),
    body: jsonBody ? { example: requestExample(doc, ctx, jsonBody) } : undefined,
    streams: Boolean(success && deref(doc, success).content?.["text/event-stream"]),
  });
}

export const OperationView: FC<{ doc: ApiDocument; ctx: SchemaContext; entry: Entry }> = ({ doc, ctx, entry }) => {
  const { method, path, op } = entry;
  const params = (op.parameters ?? []).map((p) => deref(doc, p));
  const body = op.requestBody && deref(doc, op.requestBody);
  const jsonBody = body?.content?.["application/json"];
  const documented = jsonBody ? examplesOf(doc, jsonBody) : [];
  return (
    <section id={anchorOf(entry)} class="operation" aria-labelledby={headingIdOf(entry)}>
      <h3 id={headingIdOf(entry)}><span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code></h3>
      {op.summary && <p class="summary"><Inline text={op.summary} /></p>}
      {op.description && <Markdown text={op.description} />}
      <dl class="meta">
        {op.operationId && <><dt>operationId</dt><dd><code>{op.operationId}</code></dd></>}
        <dt>API key</dt><dd>{(op.security ?? []).length > 0 ? "required: X-API-Key or Authorization: Bearer" : "none"}</dd>
      </dl>
      <p class="curl-caption">{jsonBody && documented.length === 0 ? "Example request (the required fields only)" : "Example request"}</p>
      <pre class="curl" tabindex={0} aria-label={`curl for ${method.toUpperCase()} ${path}`}><code>{curlFor(doc, ctx, entry)}</code></pre>
      {documented.length > 1 && <Examples examples={documented.slice(1)} what="Another request body" />}
      {params.length > 0 && <Parameters params={params} ctx={ctx} />}
      {body?.content && (
        <>
          <h4>Request body{body.required ? "" : " (optional)"}</h4>
          {body.description && <Markdown text={body.description} />}
          <Body doc={doc} ctx={ctx} content={body.content} examplesShownAbove="application/json" />
        </>
      )}
      <Responses doc={doc} ctx={ctx} responses={op.responses ?? {}} />
    </section>
  );
};
