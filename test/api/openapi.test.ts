import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const UNDOCUMENTED = [/^\/internal\//, /^\/openapi\.json$/, /^\/docs$/];

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
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(["fields", "phases", "template_id", "page_range", "webhook_url"]));
    expect(create.responses["400"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
    expect(Object.keys(create.responses["429"].headers)).toEqual(expect.arrayContaining(["Retry-After", "RateLimit-Reset"]));
    expect(Object.keys(create.responses["401"])).toContain("description");
    expect(doc.paths["/healthz"].get.security).toBeUndefined();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { summary?: string }>>)) {
      for (const [method, op] of Object.entries(item)) expect(op.summary, `${method} ${path}`).toBeTruthy();
    }
  });

  it("serves a readable reference page built from it", async () => {
    const res = await t.request("/docs", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("POST /v1/pipelines/{id}/rerun");
    expect(html).toContain("Rerun from the first phase of a type");
  });
});
