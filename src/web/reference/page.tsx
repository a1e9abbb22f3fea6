import type { FC } from "hono/jsx";
import { operationAnchor } from "../../errors";
import { ASSETS } from "../assets";
import { Page } from "../page";
import { curlLine, KEY_VARIABLE } from "./curl";
import { Markdown } from "./markdown";
import { SchemaView, schemaAnchor, type Schema, type SchemaContext } from "./schema";

type Ref = { $ref?: string };
type Example = { summary?: string; value?: unknown } & Ref;
type Media = { schema?: Schema; example?: unknown; examples?: Record<string, Example> };
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema } & Ref;
type Response = { description?: string; headers?: Record<string, unknown>; content?: Record<string, Media> } & Ref;
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, unknown>>;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, Media> } & Ref;
  responses?: Record<string, Response>;
};

/** The parts of an OpenAPI 3.1 document the reference reads. */
export interface ApiDocument {
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string }>;
  paths?: Record<string, Record<string, unknown> | undefined>;
  components?: Record<string, unknown>;
}

type Entry = { method: string; path: string; op: Operation };
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Follows a local `$ref` (`#/components/parameters/X`) to what it names; schemas keep theirs, to be linked. */
function deref<T extends Ref>(doc: ApiDocument, value: T): T {
  if (!value.$ref?.startsWith("#/")) return value;
  const target = value.$ref.slice(2).split("/").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  return (target as T | undefined) ?? value;
}

const anchor = operationAnchor;
const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The examples of a media type, whichever way the document gives them. */
function examplesOf(doc: ApiDocument, media: Media): Array<{ label?: string; value: unknown }> {
  if (media.example !== undefined) return [{ value: media.example }];
  return Object.entries(media.examples ?? {}).map(([name, e]) => {
    const example = deref(doc, e);
    return { label: example.summary ?? name, value: example.value };
  });
}

const Examples: FC<{ doc: ApiDocument; media: Media }> = ({ doc, media }) => (
  <>{examplesOf(doc, media).map((e) => (
    <figure class="example">
      <figcaption>Example{e.label ? `: ${e.label}` : ""}</figcaption>
      <pre><code>{json(e.value)}</code></pre>
    </figure>
  ))}</>
);

const Body: FC<{ doc: ApiDocument; ctx: SchemaContext; content?: Record<string, Media> }> = ({ doc, ctx, content }) => (
  <>{Object.entries(content ?? {}).map(([type, media]) => (
    <div class="media">
      <p class="media-type"><code>{type}</code></p>
      {media.schema && <SchemaView schema={media.schema} ctx={ctx} />}
      <Examples doc={doc} media={media} />
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

/** Success responses in full; error responses as one compact list, since they share the envelope. */
const Responses: FC<{ doc: ApiDocument; ctx: SchemaContext; responses: Record<string, Response> }> = ({ doc, ctx, responses }) => {
  const all = Object.entries(responses).map(([status, r]) => [status, deref(doc, r)] as const);
  const errors = all.filter(([status]) => Number(status) >= 400);
  return (
    <>
      <h4>Responses</h4>
      {all.filter(([status]) => Number(status) < 400).map(([status, r]) => (
        <div class="response">
          <p><span class="status">{status}</span> {r.description}</p>
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
              <span class="status">{status}</span> {r.description}
              {shared && <> (<a href={`#${schemaAnchor("Error")}`}>Error</a>)</>}
              {media && !shared && <Body doc={doc} ctx={ctx} content={r.content} />}
              {media && shared && <Examples doc={doc} media={media} />}
            </li>
          );
        })}</ul>
      )}
    </>
  );
};

function curlFor(doc: ApiDocument, { method, path, op }: Entry) {
  const jsonBody = deref(doc, op.requestBody ?? {}).content?.["application/json"];
  const example = jsonBody ? examplesOf(doc, jsonBody)[0]?.value : undefined;
  const success = Object.entries(op.responses ?? {}).find(([status]) => status.startsWith("2"))?.[1];
  return curlLine(doc.servers?.[0]?.url ?? "", {
    method,
    path,
    needsKey: (op.security ?? []).length > 0,
    parameters: (op.parameters ?? []).map((p) => deref(doc, p)),
    body: jsonBody ? { example, required: (jsonBody.schema?.required?.length ?? 0) > 0 } : undefined,
    streams: Boolean(success && deref(doc, success).content?.["text/event-stream"]),
  });
}

const OperationView: FC<{ doc: ApiDocument; ctx: SchemaContext; entry: Entry }> = ({ doc, ctx, entry }) => {
  const { method, path, op } = entry;
  const params = (op.parameters ?? []).map((p) => deref(doc, p));
  const body = op.requestBody && deref(doc, op.requestBody);
  return (
    <section id={anchor(method, path)} class="operation" aria-labelledby={`${anchor(method, path)}-h`}>
      <h3 id={`${anchor(method, path)}-h`}><span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code></h3>
      {op.summary && <p class="summary">{op.summary}</p>}
      {op.description && <Markdown text={op.description} />}
      <dl class="meta">
        {op.operationId && <><dt>operationId</dt><dd><code>{op.operationId}</code></dd></>}
        <dt>API key</dt><dd>{(op.security ?? []).length > 0 ? "required: X-API-Key or Authorization: Bearer" : "none"}</dd>
      </dl>
      <pre class="curl" aria-label={`curl for ${method.toUpperCase()} ${path}`}><code>{curlFor(doc, entry)}</code></pre>
      {params.length > 0 && <Parameters params={params} ctx={ctx} />}
      {body?.content && <><h4>Request body{body.required ? "" : " (optional)"}</h4><Body doc={doc} ctx={ctx} content={body.content} /></>}
      <Responses doc={doc} ctx={ctx} responses={op.responses ?? {}} />
    </section>
  );
};

function operations(doc: ApiDocument): Entry[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item ?? {}).filter(([method]) => METHODS.includes(method)).map(([method, op]) => ({ method, path, op: op as Operation })));
}

const tagOf = (e: Entry) => e.op.tags?.[0] ?? "other";

/** The whole reference: what to know first, contents by tag, every operation, then the shared schemas. */
export const ReferencePage: FC<{ doc: ApiDocument }> = ({ doc }) => {
  const entries = operations(doc);
  const tags = [...new Set(entries.map(tagOf))];
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const ctx: SchemaContext = { components: schemas, open: [] };
  const server = doc.servers?.[0]?.url ?? "";
  return (
    <Page title={`${doc.info.title} ${doc.info.version} · reference`} what="API reference" styles={[ASSETS.referenceCss.path]}>
      <h1>{doc.info.title} {doc.info.version}</h1>
      <Markdown text={doc.info.description ?? ""} />
      <p>This page is generated from the same OpenAPI document as <a href="/openapi.json">/openapi.json</a>, and needs nothing but this
        server.</p>
      <ul class="facts-list">
        <li>Server: <code>{server}</code></li>
        <li>Authentication: <code>X-API-Key: &lt;key&gt;</code> or <code>Authorization: Bearer &lt;key&gt;</code>; the curl lines
          read it from <code>${KEY_VARIABLE}</code> (<code>npm run -s key</code> prints it), path ids from variables such
          as <code>$ID</code>.</li>
        <li>Errors: always the <a href={`#${schemaAnchor("Error")}`}>Error</a> envelope,{" "}
          <code>{'{"error":{"code","message","details"?,"request_id"}}'}</code>; the request id is also the{" "}
          <code>X-Request-Id</code> response header.</li>
        <li>Rate limits: <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code>, <code>RateLimit-Reset</code> on
          every limited response, and <code>Retry-After</code> (seconds) on a 429.</li>
      </ul>
      <nav aria-label="Contents" class="toc" id="contents">
        <h2>Contents</h2>
        <ul>{tags.map((tag) => (
          <li><a href={`#tag-${tag}`}>{tag}</a>
            <ul>{entries.filter((e) => tagOf(e) === tag).map((e) => (
              <li><a href={`#${anchor(e.method, e.path)}`}><span class="method">{e.method.toUpperCase()}</span> {e.path}</a></li>
            ))}</ul>
          </li>
        ))}
        {Object.keys(schemas).length > 0 && <li><a href="#schemas">Schemas</a></li>}</ul>
      </nav>
      {tags.map((tag) => (
        <section aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`}>{tag}</h2>
          {entries.filter((e) => tagOf(e) === tag).map((entry) => <OperationView doc={doc} ctx={ctx} entry={entry} />)}
          <p class="top"><a href="#contents">Back to contents</a></p>
        </section>
      ))}
      {Object.keys(schemas).length > 0 && (
        <section aria-labelledby="schemas">
          <h2 id="schemas">Schemas</h2>
          {Object.entries(schemas).map(([name, schema]) => (
            <div class="component" id={schemaAnchor(name)}>
              <h3><code>{name}</code></h3>
              <SchemaView schema={schema} ctx={{ ...ctx, open: [name] }} />
            </div>
          ))}
        </section>
      )}
    </Page>
  );
};

/** The page as HTML (without doctype), for a route to cache: it depends on the document alone. */
export const referenceHtml = async (doc: ApiDocument): Promise<string> => (<ReferencePage doc={doc} />).toString();
