import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Hono } from "hono";
import { generateSpecs, resolver, type ResponsesWithResolver } from "hono-openapi";
import { ERROR_STATUS } from "../errors";
import { VERSION } from "../version";
import type { AppEnv } from "./env";

type Document = Awaited<ReturnType<typeof generateSpecs>>;
type Response = { description?: string; headers?: Record<string, unknown>; content?: unknown };
type Operation = {
  responses?: Record<string, Response>; security?: Array<Record<string, string[]>>; requestBody?: unknown; parameters?: unknown[];
};
type SpecOptions = NonNullable<Parameters<typeof generateSpecs>[1]>;
const json = (ref: string) => ({ "application/json": { schema: { $ref: ref } } });
const errorResponse = (description: string, headers?: Record<string, { $ref: string }>) => ({
  description,
  content: json("#/components/schemas/Error"),
  ...(headers ? { headers } : {}),
});
const RATE_HEADERS = {
  "RateLimit-Limit": { $ref: "#/components/headers/RateLimit-Limit" },
  "RateLimit-Remaining": { $ref: "#/components/headers/RateLimit-Remaining" },
  "RateLimit-Reset": { $ref: "#/components/headers/RateLimit-Reset" },
};

/** Response headers an operation can declare by name (defined once under components.headers). */
export type HeaderName = "ETag" | "Last-Modified" | "Sluice-Generation" | "Idempotency-Replayed";

interface SuccessOptions {
  /** A realistic body, shown in /docs and the document; the conformance tests check it against the schema. */
  example?: unknown;
  headers?: HeaderName[];
}

const headerRefs = (names: HeaderName[] = []) =>
  names.length ? { headers: Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }])) } : {};

/**
 * The success response of an operation, for `describeRoute({ responses })`: a JSON body described
 * by the valibot schema the handler shapes its answer with (`reply`), another media type such as
 * `text/csv`, or no body for 204/304.
 */
export function success(
  status: 200 | 201 | 202 | 204 | 304,
  description: string,
  body?: StandardSchemaV1 | `${string}/${string}`,
  options: SuccessOptions = {},
): ResponsesWithResolver {
  const headers = headerRefs(options.headers);
  if (status === 204 || status === 304 || body === undefined) return { [status]: { description, ...headers } };
  const example = options.example === undefined ? {} : { example: options.example };
  const content = typeof body === "string"
    ? { [body]: { schema: { type: "string" as const }, ...example } }
    : { "application/json": { schema: resolver(body), ...example } };
  return { [status]: { description, content, ...headers } };
}

/** An error an operation answers besides the ones every operation shares (409, 422, 410, 412…). */
export function failure(status: 409 | 410 | 412 | 422 | 503, description: string): ResponsesWithResolver {
  return { [status]: errorResponse(description) };
}

/** Request headers operations accept, as `describeRoute({ parameters })` entries. */
export const HEADER_PARAMETERS = {
  idempotencyKey: { $ref: "#/components/parameters/Idempotency-Key" },
  lastEventId: { $ref: "#/components/parameters/Last-Event-ID" },
  ifNoneMatch: { $ref: "#/components/parameters/If-None-Match" },
} as const;

/** For `describeRoute({ requestBody })` of routes that also take their JSON body as a multipart form. */
export const multipartForm = {
  content: {
    "multipart/form-data": {
      schema: {
        type: "object" as const,
        description: "The JSON body's fields as form fields (fields, phases, documents, preview and version "
          + "as JSON text); each file in file.0, file.1, …, appended to documents.",
        patternProperties: { "^file\\.\\d{1,4}$": { type: "string" as const, contentMediaType: "application/octet-stream" } },
      },
    },
  },
};

const components = {
  securitySchemes: {
    apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
    bearer: { type: "http", scheme: "bearer", description: "the same API key as a Bearer token" },
  },
  schemas: {
    Error: {
      type: "object",
      required: ["error"],
      properties: {
        error: {
          type: "object",
          required: ["code", "message", "request_id"],
          properties: {
            code: { type: "string", enum: Object.keys(ERROR_STATUS) },
            message: { type: "string" },
            request_id: { type: "string", description: "the X-Request-Id of the request; quote it when reporting a problem" },
            docs: { type: "string", format: "uri", description: "for a refused input: the operation's section of the reference (/docs)" },
            details: {
              description: "bad_request: one entry per invalid input, its path dotted (`documents.0.file_url`); internal: the request id",
              oneOf: [
                {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["path", "message"],
                    properties: { path: { type: "string" }, message: { type: "string" } },
                  },
                },
                { type: "object", properties: { request_id: { type: "string" } } },
              ],
            },
          },
        },
      },
    },
  },
  headers: {
    "RateLimit-Limit": { description: "requests allowed per window", schema: { type: "integer" } },
    "RateLimit-Remaining": { description: "requests left in the window", schema: { type: "integer" } },
    "RateLimit-Reset": { description: "seconds until the window resets", schema: { type: "integer" } },
    "Retry-After": { description: "whole seconds to wait, at least 1", schema: { type: "integer", minimum: 1 } },
    ETag: { description: "names the published generation; send it back as If-None-Match for a 304", schema: { type: "string" } },
    "Last-Modified": { description: "when the shown generation was published", schema: { type: "string" } },
    "Sluice-Generation": { description: "the generation the body shows", schema: { type: "integer" } },
    "Idempotency-Replayed": {
      description: "`true` when this is the stored response of an earlier request with the same Idempotency-Key",
      schema: { type: "string", enum: ["true"] },
    },
  },
  parameters: {
    "Idempotency-Key": {
      name: "Idempotency-Key", in: "header", required: false,
      description: "printable ASCII, at most 255 characters; a repeat within 24 h replays the first response "
        + "(Idempotency-Replayed: true), a repeat with another body is a 422, a repeat while the first still runs a 409",
      schema: { type: "string", minLength: 1, maxLength: 255 },
    },
    "Last-Event-ID": {
      name: "Last-Event-ID", in: "header", required: false,
      description: "the id of the last event received; the stream resumes after it", schema: { type: "string" },
    },
    "If-None-Match": {
      name: "If-None-Match", in: "header", required: false,
      description: "an ETag from an earlier answer; 304 while the published generation is the same", schema: { type: "string" },
    },
  },
} as const;

/** Every /v1 write takes an Idempotency-Key (routes/idempotency.ts); said once here rather than per route. */
function idempotencyKeyed(method: string, path: string, operation: Operation) {
  if (!path.startsWith("/v1/") || (method !== "post" && method !== "patch")) return;
  const parameters = operation.parameters ?? [];
  const ref = HEADER_PARAMETERS.idempotencyKey.$ref;
  if (!parameters.some((p) => (p as { $ref?: string }).$ref === ref)) parameters.push({ $ref: ref });
  operation.parameters = parameters;
  const responses = operation.responses ?? {};
  responses["409"] ??= errorResponse("A request with this Idempotency-Key is still in progress");
  responses["422"] ??= errorResponse("This Idempotency-Key was used with a different request");
  operation.responses = responses;
}

/** What every operation of a surface shares: auth, the error envelope, the rate-limit headers. */
function decorate(path: string, operation: Operation) {
  const limited = path.startsWith("/v1/") || path.startsWith("/share/");
  const responses = operation.responses ?? {};
  // Public operations say so explicitly; an absent `security` would inherit a global one.
  operation.security = path.startsWith("/v1/") ? [{ apiKey: [] }, { bearer: [] }] : [];
  if (path.startsWith("/v1/")) {
    responses["401"] = errorResponse("Missing, invalid or revoked API key");
    responses["403"] = errorResponse("The key lacks the scope this operation needs");
    // The input guard answers bad text in any query and a malformed JSON body on every /v1 route, validated or not.
    responses["400"] ??= errorResponse("Invalid input: details list every invalid path");
  }
  if (operation.requestBody) {
    responses["413"] = errorResponse("The body exceeds the size limit");
    responses["415"] = errorResponse("The body is not of a supported media type");
  }
  // An operation may declare its own 404 (the share link's answers a browser with HTML).
  if (path.includes("{")) responses["404"] ??= errorResponse("Unknown id, or another organization's");
  // The input guard measures every URL before routing (input-guard.ts), public routes included.
  responses["414"] = errorResponse("The URL is longer than the limit");
  if (limited) responses["429"] = errorResponse("Rate limited", { "Retry-After": { $ref: "#/components/headers/Retry-After" } });
  responses["500"] = errorResponse("Unexpected failure; the body carries the request id, never details");
  for (const [status, response] of Object.entries(responses)) {
    if (!response.description) response.description = status.startsWith("2") ? "Success" : "Error";
    if (Number(status) >= 400 && !response.content) response.content = json("#/components/schemas/Error");
    // The limiter runs before anything else can answer, so every status carries its headers.
    if (limited) response.headers = { ...RATE_HEADERS, ...response.headers };
  }
  operation.responses = responses;
}

const API_DESCRIPTION = `Documents in, reviewed and shareable tables out.

**Lists.** Every collection answers one envelope: \`{ items, limit, next_cursor }\`. Send \`next_cursor\` back as
\`?cursor=\` for the next page; it is \`null\` on the last page. Offset-paged lists also take \`?offset=\` and say
their \`offset\`; runs, templates, data products and schedules also give the \`total\`.

**Errors.** Every error is \`{ "error": { "code", "message", "request_id", "details"? } }\`; \`request_id\` equals the
\`X-Request-Id\` response header. A 400's \`details\` list each invalid input by its dotted path.`;

/** The tags operations are grouped by, in the order the reference lists them. */
const TAGS = [
  { name: "pipelines", description: "Runs: documents in, one record per document out, phase by phase; reruns, cancels, progress events." },
  { name: "templates", description: "Definitions (fields and phases) saved once, versioned by publishing, and run by id." },
  { name: "evaluations", description: "Expected values per document, and how a template's runs compare with them." },
  { name: "data-products", description: "A run's last finished generation as rows: paged JSON or CSV." },
  { name: "share-tokens", description: "Public, revocable links to a data product's page and CSV." },
  { name: "reviews", description: "Cells a gate held back, and the decisions people make on them." },
  { name: "schedules", description: "Reruns of a run by cron." },
  { name: "webhooks", description: "The per-run webhook_url: its signing secret and delivery attempts." },
  { name: "webhook endpoints", description: "URLs an organization registers once for the event types it wants; the events of the last 30 days." },
  { name: "api-keys", description: "The organization's keys and their scopes." },
  { name: "public", description: "Answered without a key: health and share links." },
];

/** Tuples come out of the valibot converter as draft-07 `items: [...]`; OpenAPI 3.1 (2020-12) says `prefixItems`. */
function tuplesAsPrefixItems(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(tuplesAsPrefixItems);
  if (!node || typeof node !== "object") return;
  const schema = node as Record<string, unknown>;
  if (Array.isArray(schema.items)) {
    schema.prefixItems = schema.items;
    schema.items = false;
  }
  // Examples are data, not schemas: a list example's `items` is its items.
  for (const [key, value] of Object.entries(schema)) if (key !== "example" && key !== "examples") tuplesAsPrefixItems(value);
}

type Schema = { $ref?: string; oneOf?: Schema[]; anyOf?: Schema[]; properties?: Record<string, Schema>; const?: unknown; discriminator?: unknown };

/** The one property every member of a union fixes to its own constant (`type`, `rule`…), if there is one. */
function tagOf(members: Schema[], schemas: Record<string, Schema>): { property: string; mapping: Record<string, string> } | undefined {
  const targets = members.map((m) => (m.$ref ? schemas[m.$ref.split("/").pop()!] : undefined));
  if (targets.length < 2 || targets.some((t) => !t?.properties)) return undefined;
  for (const property of Object.keys(targets[0]!.properties!)) {
    const values = targets.map((t) => t!.properties![property]?.const);
    if (values.every((value) => typeof value === "string") && new Set(values).size === values.length) {
      return { property, mapping: Object.fromEntries(values.map((value, i) => [value as string, members[i].$ref!])) };
    }
  }
  return undefined;
}

/**
 * Unions of named variants that share a tag property (phases by `type`, extractors by `type`, rules
 * by `rule`) get an OpenAPI discriminator, so readers and generated clients pick the variant by its tag.
 */
function discriminate(node: unknown, schemas: Record<string, Schema>): void {
  if (Array.isArray(node)) return node.forEach((n) => discriminate(n, schemas));
  if (!node || typeof node !== "object") return;
  const schema = node as Schema;
  const members = schema.oneOf ?? schema.anyOf;
  const tag = members && !schema.discriminator ? tagOf(members, schemas) : undefined;
  if (tag) schema.discriminator = { propertyName: tag.property, mapping: tag.mapping };
  for (const [key, value] of Object.entries(schema)) if (key !== "example" && key !== "examples") discriminate(value, schemas);
}

/** The document's first server with its variables at their defaults: the URL curl lines and links should use. */
export function serverUrl(doc: { servers?: Array<{ url: string; variables?: Record<string, { default: string }> }> }): string {
  const server = doc.servers?.[0];
  return server?.url.replace(/\{(\w+)\}/g, (_, name: string) => server.variables?.[name]?.default ?? "") ?? "";
}

// Keyed by public URL, not by app: every app createApp builds has the same routes, so this makes
// the document once per process or isolate.
const specs = new Map<string, Promise<Document>>();

/**
 * The OpenAPI 3.1 document of an app, generated from the valibot schemas its routes validate with
 * (hono-openapi collects them from `valid()`), plus the shared envelope, auth and limit headers.
 */
export function openApiDocument(app: Hono<AppEnv>, publicUrl: string): Promise<Document> {
  let spec = specs.get(publicUrl);
  if (!spec) {
    spec = generateSpecs(app, {
      includeEmptyPaths: true,
      // The review console and page assets are HTML for people, not API operations.
      exclude: [/^\/internal\//, "/openapi.json", "/docs", "/favicon.ico", /^\/review(\/|$)/, /^\/assets\//],
      documentation: {
        openapi: "3.1.0",
        info: {
          title: "Sluice API", version: VERSION, description: API_DESCRIPTION,
          // The package is private (npm's UNLICENSED): all rights reserved, said in SPDX's form for a custom licence.
          license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
        },
        // A variable rather than a fixed URL, so a reader or a generated client points it at their own deployment.
        servers: [{
          url: "{base_url}",
          description: "A Sluice deployment",
          variables: { base_url: { default: publicUrl, description: "the deployment's PUBLIC_URL, without a trailing slash" } },
        }],
        tags: TAGS,
        components: components as unknown as NonNullable<SpecOptions["documentation"]>["components"],
      },
      defaultValidationErrorResponse: errorResponse("Invalid input: details list every invalid path") as SpecOptions["defaultValidationErrorResponse"],
    }).then((document) => {
      tuplesAsPrefixItems(document.paths);
      tuplesAsPrefixItems(document.components?.schemas);
      const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
      discriminate(document.paths, schemas);
      discriminate(schemas, schemas);
      for (const [path, item] of Object.entries(document.paths ?? {})) {
        for (const [method, operation] of Object.entries(item ?? {})) {
          idempotencyKeyed(method, path, operation as Operation);
          decorate(path, operation as Operation);
        }
      }
      return document;
    });
    specs.set(publicUrl, spec);
    spec.catch(() => specs.delete(publicUrl));
  }
  return spec;
}
