import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDefinition, invoiceText, settle } from "../support/pipelines";

/**
 * A hostile corpus over every write route the OpenAPI document lists (a new route is covered
 * without touching this file): hostile bodies, hostile path parameters, bad bytes in every string
 * of a valid body. Each case must answer below 500, in the error envelope when it fails, and a
 * refused request must leave every table of the tenant as it was.
 */
let t: TestApp;
const ids: Record<string, string> = {};
const missing = "00000000-0000-4000-8000-000000000000";

const definition = {
  fields: [
    { name: "invoice_number", type: "string", required: true, description: "the number", extract: [{ type: "label", labels: ["Invoice No"] }] },
    { name: "total", type: "number", extract: [{ type: "regex", pattern: "Total: (\\S+)", flags: "i" }], resolve: { lookup: { table: { "1": 1 } } } },
    { name: "status", type: "enum", extract: [{ type: "label", labels: ["Status"] }], resolve: { values: ["paid"], synonyms: { settled: "paid" } } },
  ],
  phases: [
    { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
    { type: "validation", gates: [{ id: "g", rules: [{ rule: "pattern", field: "invoice_number", pattern: "^INV", flags: "i" }, { rule: "max", field: "total", value: 10 }] }] },
  ],
};
const documents = [{ id: "doc-1", text: invoiceText(1), filename: "a.txt", mime_type: "text/plain" }];

/** A valid body per route, where the route takes one: the strings and numbers in it get mutated. */
const validBodies: Record<string, () => unknown> = {
  "POST /v1/api-keys": () => ({ name: "key", scopes: ["read"] }),
  "POST /v1/pipelines": () => ({ name: "run", ...definition, documents, webhook_url: "https://example.com/hook" }),
  "POST /v1/pipelines/sync": () => ({ name: "run", ...definition, documents }),
  "POST /v1/pipelines/{id}/rerun": () => ({ from_phase: "validation" }),
  "POST /v1/pipelines/{id}/data-product": () => ({ name: "product" }),
  "POST /v1/data-products/{id}/share-tokens": () => ({ expires_in: 3600 }),
  "POST /v1/reviews/{item_id}/decision": () => ({ decision: "override", value: { note: "v" }, comment: "fine" }),
  "POST /v1/schedules": () => ({ pipeline_id: ids.pipeline, cron: "0 * * * *", from_phase: "validation" }),
  "POST /v1/templates": () => ({ name: "template", description: "d", ...definition }),
  "PATCH /v1/templates/{id}": () => ({ name: "template", description: "d" }),
  "POST /v1/templates/{id}/run": () => ({ name: "run", documents }),
  "PUT /v1/templates/{id}/evaluation-set": () => ({ documents: [{ ...documents[0], expected: { invoice_number: "INV-1" } }] }),
  "POST /v1/templates/{id}/evaluate": () => ({ version: 0, context: { batch: "b" } }),
};

const TENANT_TABLES = ["api_keys", "idempotency_keys", "pipelines", "documents", "data_products", "share_tokens",
  "review_items", "review_decisions", "schedules", "templates"] as const;

async function tenantRows(): Promise<Record<string, number>> {
  const counts = TENANT_TABLES.map((table) =>
    sql`(select count(*) from ${sql.table(table)} where organization_id = ${t.organizationId})::int as ${sql.ref(table)}`);
  const versions = sql`(select count(*) from template_versions v join templates x on x.id = v.template_id
                        where x.organization_id = ${t.organizationId})::int as template_versions`;
  return (await sql<Record<string, number>>`select ${sql.join([...counts, versions])}`.execute(t.db)).rows[0];
}

interface Case {
  name: string;
  method: string;
  path: string;
  body?: BodyInit;
  contentType?: string;
  /** The 400's details must name this path. */
  expectPath?: string;
  expect4xx?: boolean;
}

/** Every string and number in a value, with its dotted path. */
function leaves(value: unknown, path = ""): Array<[string, string | number]> {
  if (typeof value === "string" || typeof value === "number") return [[path, value]];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

function setAt(value: any, path: string, replacement: unknown) {
  const keys = path.split(".");
  const copy = structuredClone(value);
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key];
  node[keys[keys.length - 1]] = replacement;
  return copy;
}

const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

function casesFor(method: string, template: string): Case[] {
  const route = `${method} ${template}`;
  const withIds = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[`${template}:${name}`] ?? ids[name] ?? missing);
  const json = (name: string, body: string, more: Partial<Case> = {}): Case =>
    ({ name: `${route} ${name}`, method, path: withIds, body, contentType: "application/json", ...more });
  const cases: Case[] = [
    json("array body", "[]", { expect4xx: true }),
    json("string body", '"hello"', { expect4xx: true }),
    json("null body", "null"),
    json("number 1e400", '{"value": 1e400, "name": 1e400}', { expect4xx: true }),
    json("malformed JSON", '{"name": ', { expect4xx: true }),
    json("10,000 levels deep", deep(10_000), { expect4xx: true, expectPath: "a.".repeat(64).slice(0, -1) }),
    json("__proto__ key", '{"__proto__": {"polluted": true}, "name": "x"}', { expect4xx: true, expectPath: "__proto__" }),
    json("NUL in a string", '{"name": "a\\u0000b"}', { expect4xx: true, expectPath: "name" }),
    json("lone surrogate", '{"name": "\\ud800"}', { expect4xx: true, expectPath: "name" }),
    { name: `${route} text/plain body`, method, path: withIds, body: '{"name":"x"}', contentType: "text/plain" },
    { name: `${route} multipart __proto__`, method, path: withIds, body: form({ __proto__x: "", name: "x" }) },
    { name: `${route} hostile query`, method, path: `${withIds}?offset=1e308&limit=%00&x=%ED%A0%80` },
  ];
  for (const param of template.match(/\{\w+\}/g) ?? []) {
    for (const [label, value] of [["not a UUID", "not-a-uuid"], ["36 chars, not a UUID", "z".repeat(36)], ["NUL", "%00"],
      ["a surrogate half", "%ED%A0%80"], ["5,000 digits", "9".repeat(5000)], ["another tenant's shape", missing]]) {
      const path = template.replace(/\{(\w+)\}/g, (whole, name: string) =>
        whole === param ? value : (ids[`${template}:${name}`] ?? ids[name] ?? missing));
      cases.push({ name: `${route} ${param} ${label}`, method, path, body: "{}", contentType: "application/json", expect4xx: true });
    }
  }
  const valid = validBodies[route]?.();
  if (valid) {
    for (const [path, value] of leaves(valid)) {
      if (typeof value === "string") {
        cases.push(json(`NUL at ${path}`, JSON.stringify(setAt(valid, path, `${value}\u0000`)), { expect4xx: true, expectPath: path }));
        cases.push(json(`lone surrogate at ${path}`, JSON.stringify(setAt(valid, path, `${value}\ud800`)), { expect4xx: true, expectPath: path }));
      } else {
        cases.push(json(`1e400 at ${path}`, numberAt(valid, path), { expect4xx: true, expectPath: path }));
      }
    }
    cases.push(json("__proto__ field name", JSON.stringify(renameFirstField(valid)), { expect4xx: true }));
  }
  return cases;
}

/** The valid body with `1e400` (JSON's way to say Infinity) at one number's place. */
function numberAt(valid: unknown, path: string) {
  const marker = 424242.4242;
  return JSON.stringify(setAt(valid, path, marker)).replace(String(marker), "1e400");
}

function renameFirstField(valid: any) {
  const copy = structuredClone(valid);
  if (Array.isArray(copy.fields)) copy.fields[0].name = "__proto__";
  else copy.__proto_name = "x";
  return copy;
}

function form(fields: Record<string, string>) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key === "__proto__x" ? "__proto__" : key, value);
  return body;
}

let writeRoutes: Array<[string, string]> = [];

beforeAll(async () => {
  // The corpus grows with every write route and passed the default 600 requests a minute; the limit
  // itself is tested in keys.error.test.ts, so here it only has to stay out of the way.
  t = await startTestApp({ env: { RATE_LIMIT_REQUESTS: "10000" } });
  const run = await createPipeline(t, { documents: [{ id: "a", text: invoiceText(1, 20_000) }, { id: "b", text: invoiceText(2) }] });
  await settle(t);
  ids.pipeline = ids.id = run.body.id;
  const product = await (await t.request(`/v1/pipelines/${ids.pipeline}/data-product`, { method: "POST", json: {} })).json();
  ids.product = product.dataProduct.id;
  ids["/v1/data-products/{id}/share-tokens:id"] = ids["/v1/data-products/{id}/share-tokens/{token}:id"] = ids.product;
  const reviews = await (await t.request(`/v1/data-products/${ids.product}/reviews?status=open`)).json();
  ids.item_id = reviews.items[0]?.id ?? missing;
  const template = await (await t.request("/v1/templates", { method: "POST", json: { name: "t", ...invoiceDefinition } })).json();
  for (const p of ["/v1/templates/{id}", "/v1/templates/{id}/publish", "/v1/templates/{id}/run",
    "/v1/templates/{id}/evaluation-set", "/v1/templates/{id}/evaluate"]) ids[`${p}:id`] = template.id;
  const schedule = await (await t.request("/v1/schedules", { method: "POST", json: { pipeline_id: ids.pipeline, cron: "0 * * * *", from_phase: "validation" } })).json();
  ids["/v1/schedules/{id}:id"] = schedule.id;
  const spec = await (await t.request("/openapi.json")).json();
  writeRoutes = Object.entries<Record<string, unknown>>(spec.paths).flatMap(([path, ops]) =>
    Object.keys(ops).filter((m) => ["post", "put", "patch", "delete"].includes(m)).map((m) => [m.toUpperCase(), path] as [string, string]));
}, 120_000);
afterAll(() => t.close());

describe("the hostile corpus", () => {
  it("covers every write route with at least 150 cases, none answered with a 5xx", async () => {
    expect(writeRoutes.length).toBeGreaterThanOrEqual(15);
    const cases = writeRoutes.flatMap(([method, path]) => casesFor(method, path));
    expect(cases.length).toBeGreaterThanOrEqual(150);
    console.info(`hostile corpus: ${cases.length} cases over ${writeRoutes.length} write routes`);
    const failures: string[] = [];
    for (const c of cases) {
      const before = await tenantRows();
      const headers: Record<string, string> = c.contentType ? { "content-type": c.contentType } : {};
      const res = await t.request(c.path, { method: c.method, body: c.body, headers });
      const text = await res.text();
      const problem = await judge(c, res.status, text, before);
      if (problem) failures.push(`${c.name} → ${res.status} ${text.slice(0, 200)}: ${problem}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

async function judge(c: Case, status: number, text: string, before: Record<string, number>): Promise<string | undefined> {
  if (status >= 500) return "a 5xx";
  if (c.expect4xx && status < 400) return "accepted";
  if (status < 400) return undefined;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (typeof body?.error?.code !== "string" || typeof body.error.message !== "string") return "not the error envelope";
  if (c.expectPath && status === 400 && !JSON.stringify(body.error.details ?? []).includes(`"path":"${c.expectPath}"`)) return `no detail at ${c.expectPath}`;
  const after = await tenantRows();
  if (JSON.stringify(after) !== JSON.stringify(before)) return `rows changed: ${JSON.stringify(before)} → ${JSON.stringify(after)}`;
  return undefined;
}

describe("bounds outside bodies", () => {
  it("refuses offsets past the bound and non-integers with a 400 naming the parameter", async () => {
    for (const list of ["/v1/pipelines", "/v1/templates", "/v1/data-products", "/v1/schedules"]) {
      for (const offset of ["9223372036854775808", "1e308", "-1", "1.5"]) {
        const res = await t.request(`${list}?offset=${offset}`);
        expect(res.status, `${list}?offset=${offset}`).toBe(400);
        expect((await res.json()).error.details[0].path).toBe("query.offset");
      }
    }
  });

  it("answers an over-long URL with a 414 in the envelope", async () => {
    const res = await t.request(`/v1/pipelines?status=${"x".repeat(100_000)}`);
    expect(res.status).toBe(414);
    expect((await res.json()).error.code).toBe("uri_too_long");
  });

  it("refuses __proto__, constructor and prototype as field names", async () => {
    for (const name of ["__proto__", "constructor", "prototype"]) {
      const fields = [{ ...definition.fields[0], name }, ...definition.fields.slice(1)];
      const res = await t.request("/v1/templates", { method: "POST", json: { name: "t", fields, phases: definition.phases.slice(0, 3) } });
      expect(res.status).toBe(400);
      expect(JSON.stringify((await res.json()).error.details)).toContain('"path":"fields.0.name"');
    }
  });
});

describe("POST /v1/pipelines/sync with an Idempotency-Key", () => {
  const runs = async () => (await t.db.selectFrom("pipelines").select("id").where("organization_id", "=", t.organizationId).execute()).length;

  it("runs once and replays the first response; another body with the key is a 422", async () => {
    const before = await runs();
    const body = { name: "sync", ...invoiceDefinition, documents: [{ id: "s", text: invoiceText(5) }] };
    const send = (json: unknown) => t.request("/v1/pipelines/sync", { method: "POST", json, headers: { "Idempotency-Key": "sync-1" } });
    const first = await send(body);
    const second = await send(body);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect([first.headers.get("Idempotency-Replayed"), second.headers.get("Idempotency-Replayed")]).toEqual([null, "true"]);
    expect(await runs()).toBe(before + 1);
    expect((await send({ ...body, name: "other" })).status).toBe(422);
    const create = await t.request("/v1/pipelines", { method: "POST", json: body, headers: { "Idempotency-Key": "sync-1" } });
    expect(create.status).toBe(422); // a key used for a sync run cannot replay as a create
  });
});

describe("NUL inside a document's content", () => {
  it("is replaced, the run goes on, and the transfer step says so", async () => {
    // Inline text with NUL is a 400 (above); a file's content is what it is, e.g. JSON with \u0000 escapes.
    const content = Buffer.from('{"number": "INV-\\u00009", "total": 5}').toString("base64");
    const res = await t.request("/v1/pipelines", { method: "POST", json: {
      name: "nul",
      fields: [{ name: "number", type: "string", extract: [{ type: "json_pointer", pointer: "/number" }] }],
      phases: [{ type: "transfer" }, { type: "extraction" }],
      documents: [{ id: "nul", content_base64: content, filename: "nul.json", mime_type: "application/json" }],
    } });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    await settle(t);
    const records = await (await t.request(`/v1/pipelines/${id}/records`)).json();
    expect(records.status).toBe("completed");
    expect(Object.values<any>(records.records)[0].fields.number.value).toBe("INV-\uFFFD9");
    const steps = await (await t.request(`/v1/pipelines/${id}/steps`)).json();
    expect(steps.items[0].notes).toEqual([{ code: "text_replaced", message: expect.stringMatching(/^1 NUL/) }]);
  });
});

describe("a hostile pattern or expression in flight", () => {
  it("delays a concurrent /healthz by less than 100 ms", async () => {
    // 5,000 characters: backtracking would need ~2^5000 steps on these patterns; RE2 takes one pass
    // (re2js runs nested patterns at roughly 1 µs per character, so the pass itself stays far below 100 ms).
    const hostileText = `Invoice No: ${"a".repeat(5_000)}!\n`;
    const body = {
      name: "hostile",
      fields: [
        { name: "catastrophic", type: "string", extract: [{ type: "regex", pattern: "((a+)+)+$" }] },
        { name: "invoice_number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] },
        { name: "spin", type: "number", expression: "($f := function($x){ $f($x + 1) }; $f(1))" },
      ],
      phases: [
        { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
        { type: "validation", gates: [{ id: "g", mode: "warning", rules: [
          { rule: "pattern", field: "invoice_number", pattern: "^(a|aa)+$" },
          { rule: "expression", field: "invoice_number", expression: "$contains(invoice_number, /(a+)+b$/)" },
        ] }] },
      ],
      documents: [{ id: "h", text: hostileText }],
    };
    let done = false;
    const run = Promise.resolve(t.request("/v1/pipelines/sync", { method: "POST", json: body })).finally(() => (done = true));
    const latencies: number[] = [];
    while (!done) {
      const started = performance.now();
      expect((await t.request("/healthz", { key: null })).status).toBe(200);
      latencies.push(performance.now() - started);
      // Probes arrive over time, as from a socket; back-to-back in-process calls would never let a timer run.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const res = await run;
    expect(res.status).toBe(200);
    const records = await res.json();
    const cells = Object.values<any>(records.records)[0].fields;
    expect(cells.spin.status).toBe("failed"); // the expression hit its work budget
    expect(latencies.length).toBeGreaterThan(3);
    console.info(`healthz during a hostile run: ${latencies.length} probes, max ${Math.max(...latencies).toFixed(1)} ms`);
    expect(Math.max(...latencies)).toBeLessThan(100);
  }, 60_000);
});
