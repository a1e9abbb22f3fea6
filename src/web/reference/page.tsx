import { raw } from "hono/html";
import type { FC } from "hono/jsx";
import { serverUrl } from "../../http/openapi";
import { ASSETS } from "../assets";
import { Page } from "../page";
import { KEY_VARIABLE } from "./curl";
import { Inline, Markdown } from "./markdown";
import { OperationView, anchorOf, type ApiDocument, type Entry, type Operation } from "./operation";
import { SchemaView, schemaAnchor, type Schema, type SchemaContext } from "./schema";
import { indexScriptText, searchIndex } from "./search";

export type { ApiDocument } from "./operation";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function operations(doc: ApiDocument): Entry[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item ?? {}).filter(([method]) => METHODS.includes(method)).map(([method, op]) => ({ method, path, op: op as Operation })));
}

const tagOf = (e: Entry) => e.op.tags?.[0] ?? "other";
const tagAnchor = (tag: string) => `tag-${tag.replace(/[^A-Za-z0-9_-]+/g, "-")}`;

/** The tags in the document's declared order first (with their descriptions), then any others as met. */
function tagsOf(doc: ApiDocument, entries: Entry[]) {
  const used = new Set(entries.map(tagOf));
  const declared = (doc.tags ?? []).filter((t) => used.has(t.name));
  const named = new Set(declared.map((t) => t.name));
  return [...declared, ...[...used].filter((name) => !named.has(name)).map((name) => ({ name, description: undefined }))];
}

/** Search (shown by the script) and the contents by tag: sticky beside the page, one folding bar on a phone. */
const Sidebar: FC<{ tags: Array<{ name: string }>; entries: Entry[]; schemas: boolean }> = ({ tags, entries, schemas }) => (
  <nav class="sidebar" aria-label="Reference contents">
    <details id="contents" open>
      <summary>Contents and search</summary>
      <div class="panel">
        <div class="search" id="search" role="search" hidden>
          <label for="search-input">Search operations</label>
          <input id="search-input" type="search" autocomplete="off" spellcheck={false} placeholder="rerun, csv, webhook…"
            aria-describedby="search-status" aria-controls="search-results" />
          <p id="search-status" class="search-status" aria-live="polite"></p>
          <ul id="search-results" class="search-results"></ul>
        </div>
        <ul id="toc">
          <li><a href="#introduction">Introduction</a></li>
          {tags.map(({ name }) => (
            <li>
              <a class="tag-name" href={`#${tagAnchor(name)}`}>{name}</a>
              <ul>{entries.filter((e) => tagOf(e) === name).map((e) => (
                <li><a class="op" href={`#${anchorOf(e)}`}><span class={`method ${e.method}`}>{e.method.toUpperCase()}</span>{" "}
                  <span><Inline text={e.op.summary ?? e.path} /></span></a></li>
              ))}</ul>
            </li>
          ))}
          {schemas && <li><a class="tag-name" href="#schemas">Schemas</a></li>}
        </ul>
      </div>
    </details>
  </nav>
);

const Introduction: FC<{ doc: ApiDocument }> = ({ doc }) => (
  <>
    <h1 id="introduction">{doc.info.title} {doc.info.version}</h1>
    <Markdown text={doc.info.description ?? ""} />
    <p>This page is generated from the same OpenAPI document as <a href="/openapi.json">/openapi.json</a>, and needs nothing but this
      server.</p>
    <ul class="facts-list">
      <li>Server: <code>{serverUrl(doc)}</code></li>
      <li>Authentication: <code>X-API-Key: &lt;key&gt;</code> or <code>Authorization: Bearer &lt;key&gt;</code>; the curl lines
        read it from <code>${KEY_VARIABLE}</code> (<code>npm run -s key</code> prints it), path ids from variables such
        as <code>$ID</code>.</li>
      <li>Errors: always the <a href={`#${schemaAnchor("Error")}`}>Error</a> envelope,{" "}
        <code>{'{"error":{"code","message","details"?,"request_id"}}'}</code>; the request id is also the{" "}
        <code>X-Request-Id</code> response header.</li>
      <li>Rate limits: <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code>, <code>RateLimit-Reset</code> on
        every limited response, and <code>Retry-After</code> (seconds) on a 429.</li>
    </ul>
  </>
);

/** The whole reference: sidebar, what to know first, every operation by tag, then the shared schemas (folded). */
export const ReferencePage: FC<{ doc: ApiDocument }> = ({ doc }) => {
  const entries = operations(doc);
  const tags = tagsOf(doc, entries);
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const ctx: SchemaContext = { components: schemas, open: [] };
  const hasSchemas = Object.keys(schemas).length > 0;
  return (
    <Page title={`${doc.info.title} ${doc.info.version} · reference`} what="API reference" styles={[ASSETS.referenceCss.path]}
      scripts={[ASSETS.referenceJs.path]}>
      <div class="ref-layout">
        <Sidebar tags={tags} entries={entries} schemas={hasSchemas} />
        <div class="ref-content">
          <Introduction doc={doc} />
          {tags.map((tag) => (
            <section aria-labelledby={tagAnchor(tag.name)}>
              <h2 class="tag" id={tagAnchor(tag.name)}>{tag.name}</h2>
              {tag.description && <Markdown text={tag.description} />}
              {entries.filter((e) => tagOf(e) === tag.name).map((entry) => <OperationView doc={doc} ctx={ctx} entry={entry} />)}
            </section>
          ))}
          {hasSchemas && (
            <section aria-labelledby="schemas">
              <h2 id="schemas">Schemas</h2>
              {Object.entries(schemas).map(([name, schema]) => (
                <details class="component" id={schemaAnchor(name)}>
                  <summary><code>{name}</code></summary>
                  <SchemaView schema={schema} ctx={{ ...ctx, open: [name] }} />
                </details>
              ))}
            </section>
          )}
        </div>
      </div>
      <script type="application/json" id="search-index">{raw(indexScriptText(searchIndex(entries, tagOf)))}</script>
    </Page>
  );
};

/** The page as HTML (without doctype), for a route to cache: it depends on the document alone. */
export const referenceHtml = async (doc: ApiDocument): Promise<string> => (<ReferencePage doc={doc} />).toString();
