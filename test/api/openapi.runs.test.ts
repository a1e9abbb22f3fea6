import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { OpenApiConformance } from "../support/openapi-conformance";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Media = { schema?: Record<string, unknown>; example?: unknown };
type Operation = {
  operationId: string;
  parameters?: Array<{ $ref?: string; name?: string }>;
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, Media> }>;
};

/** The run, template, evaluation, webhook and health operations, by operation id. */
const RUN_OPERATIONS: Record<string, string> = {
  getHealth: "get /healthz",
  createPipeline: "post /v1/pipelines",
  runPipelineSync: "post /v1/pipelines/sync",
  listPipelines: "get /v1/pipelines",
  getPipeline: "get /v1/pipelines/{id}",
  getPipelineRecords: "get /v1/pipelines/{id}/records",
  listPipelineSteps: "get /v1/pipelines/{id}/steps",
  getPipelineTree: "get /v1/pipelines/{id}/tree",
  rerunPipeline: "post /v1/pipelines/{id}/rerun",
  cancelPipeline: "post /v1/pipelines/{id}/cancel",
  streamPipelineEvents: "get /v1/pipelines/{id}/events",
  getDocumentContent: "get /v1/pipelines/{id}/documents/{document_id}/content",
  getDocumentPhaseOutput: "get /v1/pipelines/{id}/documents/{document_id}/phases/{phase_index}",
  getPipelineEvaluation: "get /v1/pipelines/{id}/evaluation",
  putEvaluationSet: "put /v1/templates/{id}/evaluation-set",
  getEvaluationSet: "get /v1/templates/{id}/evaluation-set",
  evaluateTemplate: "post /v1/templates/{id}/evaluate",
  getWebhookSecret: "get /v1/webhook-secret",
  rotateWebhookSecret: "post /v1/webhook-secret/rotate",
  listWebhookDeliveries: "get /v1/pipelines/{id}/webhook-deliveries",
  createTemplate: "post /v1/templates",
  listTemplates: "get /v1/templates",
  getTemplate: "get /v1/templates/{id}",
  updateTemplateDraft: "patch /v1/templates/{id}",
  publishTemplate: "post /v1/templates/{id}/publish",
  getTemplateVersion: "get /v1/templates/{id}/versions/{n}",
  runTemplate: "post /v1/templates/{id}/run",
};

describe("the run operations in /openapi.json", () => {
  it("are named, and every JSON answer has a schema and an example that fits it", async () => {
    const doc = await (await t.request("/openapi.json", { key: null })).json();
    const operation = (id: string): Operation => {
      const [method, path] = RUN_OPERATIONS[id].split(" ");
      return doc.paths[path][method];
    };
    for (const id of Object.keys(RUN_OPERATIONS)) {
      const op = operation(id);
      expect(op.operationId, RUN_OPERATIONS[id]).toBe(id);
      for (const [status, response] of Object.entries(op.responses)) {
        const json = response.content?.["application/json"];
        if (!status.startsWith("2") || !json) continue;
        expect(Object.keys(json.schema ?? {}), `${id} ${status}`).not.toEqual(["type"]);
        expect(json.example, `${id} ${status} has an example`).toBeDefined();
      }
    }
    const mine = new Set(Object.values(RUN_OPERATIONS).map((op) => op.split(" ")[1]));
    const problems = new OpenApiConformance(doc).exampleProblems().filter((p) => mine.has(p.split(" ")[1]));
    expect(problems).toEqual([]);

    // Idempotent creates take the key, say when an answer is a replay, and declare the 409 and 422 of a reused key.
    for (const id of ["createPipeline", "runPipelineSync", "runTemplate"]) {
      const op = operation(id);
      expect(op.parameters, id).toContainEqual({ $ref: "#/components/parameters/Idempotency-Key" });
      const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"))![1];
      expect(Object.keys(success.headers ?? {}), id).toContain("Idempotency-Replayed");
      expect(Object.keys(op.responses), id).toEqual(expect.arrayContaining(["409", "422"]));
    }
    expect(operation("streamPipelineEvents").parameters).toContainEqual({ $ref: "#/components/parameters/Last-Event-ID" });
    expect(Object.keys(operation("streamPipelineEvents").responses["200"].content!)).toEqual(["text/event-stream"]);
    expect(Object.keys(operation("getDocumentContent").responses["200"].content!).sort()).toEqual(["application/json", "text/html", "text/markdown", "text/plain"]);
    expect(operation("getHealth").responses["503"].content!["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
    expect(operation("listPipelineSteps").parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(["cursor", "after", "limit"]));
  });
});
