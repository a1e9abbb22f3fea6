import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestApp, type TestApp } from "../support/harness";
import { OpenApiConformance } from "../support/openapi-conformance";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Operation = {
  summary?: string;
  parameters?: Array<{ in: string; name: string }>;
  responses: Record<string, { headers?: Record<string, unknown> }>;
};
const UNDOCUMENTED = [/^\/internal\//, /^\/openapi\.json$/, /^\/docs$/, /^\/favicon\.ico$/, /^\/review(\/|$)/, /^\/assets\//];

describe("the OpenAPI document", () => {
  it("describes every route the app serves, with auth, the error envelope and rate-limit headers", async () => {
    const res = await t.request("/openapi.json", { key: null });
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKey", "bearer"]);

    const served = t.app.routes
      .filter((r) => r.method !== "ALL" && !UNDOCUMENTED.some((re) => re.test(r.path)))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.length).toBeGreaterThan(25);
    expect(documented.sort()).toEqual([...new Set(served)].sort());

    const create = doc.paths["/v1/pipelines"].post;
    expect(create.summary).toBeTruthy();
    expect(create.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
    const body = create.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["documents"]);
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(["fields", "phases", "template_id", "page_range", "webhook_url", "output_format"]));
    expect(create.responses["400"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
    expect(Object.keys(create.responses["429"].headers)).toEqual(expect.arrayContaining(["Retry-After", "RateLimit-Reset"]));
    expect(Object.keys(create.responses["401"])).toContain("description");
    expect(doc.paths["/healthz"].get.security).toEqual([]);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.summary, where).toBeTruthy();
        const statuses = Object.keys(op.responses);
        expect(statuses.some((s) => /^[23]/.test(s)), `${where} documents its success`).toBe(true);
        expect(statuses, where).toContain("500");
        // OpenAPI requires every templated segment to be declared as a path parameter.
        const declared = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name).sort();
        expect(declared, where).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
        if (path.startsWith("/v1/")) {
          for (const status of statuses) expect(Object.keys(op.responses[status].headers ?? {}), `${where} ${status}`).toContain("RateLimit-Remaining");
        }
      }
    }
    // Every reference points at something the document defines.
    for (const ref of JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = ref[1].split("/").reduce((node: Record<string, unknown> | undefined, key) => node?.[key] as Record<string, unknown> | undefined, doc);
      expect(target, ref[1]).toBeDefined();
    }
  });

  it("takes request and response schemas from the routes' valibot schemas", async () => {
    const doc = await (await t.request("/openapi.json", { key: null })).json();
    const create = doc.paths["/v1/schedules"].post;
    const body = create.requestBody.content["application/json"].schema;
    expect(body.required.sort()).toEqual(["cron", "from_phase", "pipeline_id"]);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.timezone.default).toBe("UTC");
    expect(body.properties.from_phase.enum).toEqual(["transfer", "extraction", "resolution", "validation"]);
    expect(body.properties.cron.description).toContain("minute hour day-of-month month day-of-week");
    // Answers are named component schemas; a generated client gets a `Schedule` type.
    const named = (schema: { $ref?: string }) => doc.components.schemas[schema.$ref!.replace("#/components/schemas/", "")];
    expect(create.responses["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Schedule" });
    expect(named(create.responses["201"].content["application/json"].schema).properties.next_run_at).toBeDefined();
    expect(named(doc.paths["/v1/schedules/{id}"].get.responses["200"].content["application/json"].schema).properties.ticks.type).toBe("array");
    expect(doc.paths["/v1/schedules/{id}"].delete.responses["204"].content).toBeUndefined();
    expect(doc.paths["/v1/schedules"].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["cursor", "limit", "offset"]);
    expect(Object.keys(doc.paths["/v1/pipelines"].post.requestBody.content).sort()).toEqual(["application/json", "multipart/form-data"]);
    expect(Object.keys(doc.paths["/v1/data-products/{id}/export.csv"].get.responses["200"].content)).toEqual(["text/csv"]);
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain("rate_limited");
  });

  it("serves a readable reference page built from it, under the pages' strict CSP", async () => {
    const res = await t.request("/docs", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    const section = (id: string) => html.slice(html.indexOf(`<section id="${id}"`), html.indexOf("</section>", html.indexOf(`<section id="${id}"`)));
    expect(section("post-v1-pipelines-id-rerun")).toContain("<code>/v1/pipelines/{id}/rerun</code>");
    expect(section("post-v1-pipelines-id-rerun")).toContain("Rerun from the first phase of a type");
    const create = section("post-v1-schedules");
    expect(create).toContain("Schedule reruns of a pipeline by cron");
    expect(create).toContain("<h4>Request body</h4>");
    expect(create).toMatch(/<code class="name">from_phase<\/code> <span class="type">string<\/span><span class="req">required<\/span>/);
    expect(create).toContain("The schedule, with its first next_run_at");
    expect(create).toContain("curl -X POST \\\n  &quot;http://sluice.test/v1/schedules&quot;");
    const get = section("get-v1-schedules-id");
    expect(get).toMatch(/<code class="name">id<\/code> <span class="in">in path<\/span>.*?<span class="req">required<\/span><span class="fact">format uuid<\/span>/);
    // No inline script: only our own file and the search index's data block, which never runs.
    expect(html.match(/<script(?![^>]*(src="\/assets\/|type="application\/json"))/gi)).toBeNull();
  });

  it("names every operation readably and gives every JSON answer a schema and an example", async () => {
    const doc = await (await t.request("/openapi.json", { key: null })).json();
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation & { operationId?: string }>>)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][a-zA-Z]+$/);
        // The generator's fallback names (getV1PipelinesById…) are not names a client wants to call.
        expect(op.operationId, where).not.toMatch(/V1|By[A-Z]/);
        ids.push(op.operationId!);
        for (const [status, response] of Object.entries(op.responses as Record<string, { content?: Record<string, { schema?: Record<string, unknown>; example?: unknown }> }>)) {
          const json = response.content?.["application/json"];
          if (!status.startsWith("2") || !json) continue;
          expect(Object.keys(json.schema ?? {}), `${where} ${status} has a schema`).not.toEqual(["type"]);
          expect(json.example, `${where} ${status} has an example`).toBeDefined();
        }
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(new OpenApiConformance(doc).exampleProblems()).toEqual([]);
  });

  it("passes Redocly's lint (redocly.yaml: recommended, warnings as errors) with no problem at all", async () => {
    const doc = await (await t.request("/openapi.json", { key: null })).json();
    const file = join(mkdtempSync(join(tmpdir(), "sluice-openapi-")), "openapi.json");
    writeFileSync(file, JSON.stringify(doc));
    const lint = spawnSync(process.execPath, ["node_modules/@redocly/cli/bin/cli.js", "lint", "--config", "redocly.yaml", "--format", "json", file], {
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    });
    const report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf("{")));
    expect(report.problems.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(lint.status).toBe(0);
    // What the lint asks of the document, said here too: a licence, a server users can point elsewhere, 4xx on /healthz.
    expect(doc.info.license.name).toBeTruthy();
    expect(doc.servers[0].url).toBe("{base_url}");
    expect(doc.servers[0].variables.base_url.default).toBe("http://sluice.test");
    expect(Object.keys(doc.paths["/healthz"].get.responses).some((s) => s.startsWith("4"))).toBe(true);
  }, 60_000);
});
