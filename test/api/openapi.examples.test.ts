import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answer, fakeLlmEnv, startFakeLlm, type FakeLlm } from "../support/fake-llm";
import { startTestApp, type TestApp } from "../support/harness";
import { OpenApiConformance } from "../support/openapi-conformance";
import { settle } from "../support/pipelines";

let t: TestApp;
let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm();
  t = await startTestApp({ env: fakeLlmEnv(llm) });
});
afterAll(async () => {
  await t?.close();
  await llm?.close();
});

type Schema = { $ref?: string; description?: string; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema | boolean;
  anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; prefixItems?: Schema[] };
type Operation = { operationId: string; requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> } };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/** The dotted paths of request-body properties that have no description (on the property or the schema it names). */
function undescribed(doc: Doc, schema: Schema, at: string, seen = new Set<string>()): string[] {
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop()!;
    if (seen.has(name)) return [];
    return undescribed(doc, doc.components.schemas[name], name, new Set([...seen, name]));
  }
  const missing: string[] = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const target = property.$ref ? doc.components.schemas[property.$ref.split("/").pop()!] : undefined;
    if (!property.description && !target?.description) missing.push(`${at}.${key}`);
    missing.push(...undescribed(doc, property, `${at}.${key}`, seen));
  }
  const nested = [schema.items, typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined,
    ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? []), ...(schema.prefixItems ?? [])];
  for (const child of nested) if (child) missing.push(...undescribed(doc, child, at, seen));
  return missing;
}

const bodyOperations = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).filter(([, op]) => op.requestBody?.content["application/json"]).map(([method, op]) => ({ path, method, op })));

describe("request bodies in /openapi.json", () => {
  it("each have an example that fits the schema, every field a description, and the document no internal wording", async () => {
    const doc: Doc = await (await t.request("/openapi.json", { key: null })).json();
    expect(bodyOperations(doc).length).toBeGreaterThan(12);
    expect(new OpenApiConformance(doc).requestExampleProblems()).toEqual([]);
    const missing = bodyOperations(doc).flatMap(({ path, method, op }) =>
      undescribed(doc, op.requestBody!.content["application/json"].schema, `${method} ${path}`));
    expect([...new Set(missing)]).toEqual([]);
    // Words from how Sluice was built (seed documents, an earlier product, issue numbers) mean nothing to a reader.
    expect(JSON.stringify(doc)).not.toMatch(/seed 0\d|pipe0|\bissue #?\d|\(#\d+\)/i);
  });

  it("are accepted by the API as they are shown", async () => {
    const doc: Doc = await (await t.request("/openapi.json", { key: null })).json();
    const sent = new Set<string>();
    /** Sends an operation's own example (ids it names swapped for real ones) and expects a 2xx. */
    const send = async (operationId: string, params: Record<string, string> = {}, replace: Record<string, unknown> = {}) => {
      const found = bodyOperations(doc).find(({ op }) => op.operationId === operationId);
      expect(found, operationId).toBeDefined();
      const path = found!.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]);
      const body = { ...(found!.op.requestBody!.content["application/json"].example as object), ...replace };
      const res = await t.request(path, { method: found!.method.toUpperCase(), json: body });
      expect(res.status, `${operationId}: ${await res.clone().text()}`).toBeLessThan(300);
      sent.add(operationId);
      return res.json();
    };

    await send("createApiKey");
    const template = await send("createTemplate");
    await send("updateTemplateDraft", { id: template.id });
    expect((await t.request(`/v1/templates/${template.id}/publish`, { method: "POST" })).status).toBe(201);
    await send("runTemplate", { id: template.id });
    await send("putEvaluationSet", { id: template.id });
    await send("evaluateTemplate", { id: template.id });

    const run = await send("createPipeline");
    await settle(t);
    await send("runPipelineSync");
    await send("rerunPipeline", { id: run.id });
    await settle(t);
    await send("createSchedule", {}, { pipeline_id: run.id });
    const product = await send("createDataProduct", { id: run.id });
    await send("createShareToken", { id: product.dataProduct.id });
    const reviews = await (await t.request(`/v1/data-products/${product.dataProduct.id}/reviews?status=open`)).json();
    expect(reviews.items.map((i: { field: string }) => i.field)).toEqual(["total"]);
    await send("decideReviewItem", { item_id: reviews.items[0].id });

    llm.script([{ content: answer({ total: { value: "1,250.00", quote: "Amount payable EUR 1,250.00" } }) }]);
    await send("draftTemplate");
    const endpoint = await send("createWebhookEndpoint");
    await send("updateWebhookEndpoint", { id: endpoint.id });

    expect([...sent].sort()).toEqual(bodyOperations(doc).map(({ op }) => op.operationId).sort());
  }, 240_000);
});
