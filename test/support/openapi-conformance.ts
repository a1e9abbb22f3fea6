import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";

type Schema = Record<string, unknown>;
type Media = { schema?: Schema; example?: unknown };
type Response = { content?: Record<string, Media> };
type Operation = { operationId?: string; responses?: Record<string, Response>; requestBody?: { content?: Record<string, Media> } };
type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components?: Schema };

/**
 * Statuses answered before any route runs, for every URL: the input guard's 414/431 and a
 * method the path does not serve. Operations do not repeat them.
 */
const TRANSPORT_STATUSES = new Set([405, 414, 431]);

/**
 * Checks responses against the OpenAPI document the app serves: the status must be one the
 * operation declares, and a JSON body must match that status's schema. Every API-suite request
 * goes through it (test/support/harness.ts), so a handler drifting from its documentation fails CI.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  private readonly routes: Array<{ pattern: RegExp; path: string; item: Record<string, Operation> }>;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: "sluice:openapi", components: doc.components ?? {} });
    // Literal paths first, so /v1/pipelines/sync never matches /v1/pipelines/{id}.
    this.routes = Object.entries(doc.paths)
      .sort(([a], [b]) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
      .map(([path, item]) => ({
        path,
        item,
        pattern: new RegExp(`^${path.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`),
      }));
  }

  /** The operation serving a method and URL path, if the document describes one. */
  find(method: string, urlPath: string) {
    const route = this.routes.find((r) => r.pattern.test(urlPath));
    const operation = route?.item[method.toLowerCase()];
    return route && operation ? { path: route.path, operation } : undefined;
  }

  /** Throws, naming the operation and the mismatch, when `response` breaks the document. */
  async check(method: string, url: string, response: Response & globalThis.Response) {
    const found = this.find(method, new URL(url).pathname);
    if (!found || TRANSPORT_STATUSES.has(response.status)) return;
    const where = `${method} ${found.path} → ${response.status}`;
    const declared = found.operation.responses?.[String(response.status)] ?? found.operation.responses?.default;
    if (!declared) throw new Error(`${where}: status not declared in /openapi.json`);
    const type = response.headers.get("content-type")?.split(";")[0].trim();
    if (!type || response.status === 204 || response.status === 304) return;
    const media = declared.content?.[type];
    if (!media) throw new Error(`${where}: content type ${type} not declared (${Object.keys(declared.content ?? {}).join(", ") || "none"})`);
    if (type !== "application/json" || !media.schema) return;
    const body = await response.clone().json();
    const validate = this.validator(found.path, method, String(response.status), media.schema);
    if (!validate(body)) {
      const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "(root)"} ${e.message}`).join("; ");
      throw new Error(`${where}: body does not match its schema: ${problems}\n${JSON.stringify(body).slice(0, 600)}`);
    }
  }

  /** Every example in the document, checked against its own schema. */
  exampleProblems(): string[] {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(this.doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          const media = response.content?.["application/json"];
          if (!media?.schema || media.example === undefined) continue;
          const validate = this.validator(path, method, status, media.schema);
          if (!validate(media.example)) problems.push(`${method} ${path} ${status}: ${this.ajv.errorsText(validate.errors)}`);
        }
      }
    }
    return problems;
  }

  /** Every request body example, checked against the body's schema; an operation that takes JSON without one is a problem too. */
  requestExampleProblems(): string[] {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(this.doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const media = operation.requestBody?.content?.["application/json"];
        if (!media?.schema) continue;
        if (media.example === undefined) {
          problems.push(`${method} ${path}: no request example`);
          continue;
        }
        const validate = this.validator(path, method, "request", media.schema);
        if (!validate(media.example)) problems.push(`${method} ${path} request: ${this.ajv.errorsText(validate.errors)}`);
      }
    }
    return problems;
  }

  private validator(path: string, method: string, status: string, schema: Schema) {
    const key = `${method} ${path} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      // References point into the document's components; resolve them against the registered copy.
      const rebased = JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\/components\//g, '"$ref":"sluice:openapi#/components/'));
      validate = this.ajv.compile(rebased);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
