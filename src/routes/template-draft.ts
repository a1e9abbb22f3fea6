import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import { named } from "../named-schema";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid } from "../http/validate";
import { DraftBody, draftDefinition } from "../templates/draft";

const DraftSchema = named("TemplateDraft", v.object({
  definition: v.pipe(v.object({ fields: v.array(v.record(v.string(), v.unknown())), phases: v.array(v.record(v.string(), v.unknown())) }),
    v.description("fields with `label` extractors where the model's quotes allowed, `llm` last; ready for POST /v1/templates")),
  samples: v.pipe(v.array(v.record(v.string(), v.object({ value: v.unknown(), status: v.string(), resolved_by: v.nullable(v.string()) }))),
    v.description("per sample, what the draft's rules alone read (run for real, without the model)")),
}));

const EXAMPLE = {
  definition: {
    fields: [{ name: "total", type: "currency", extract: [{ type: "label", labels: ["Amount payable"] }, { type: "llm" }] }],
    phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
  },
  samples: [{ total: { value: { amount: 1250, currency: "EUR" }, status: "completed", resolved_by: "extraction:label" } }],
};

const draftTemplateRoute = describeRoute({
  operationId: "draftTemplate",
  summary: "Draft a definition from sample documents with the model",
  description: "One grounded model call per sample (needs LLM_API_KEY); where a value follows words on its line they become a label, "
    + "so later documents are read by rules and cost nothing. Nothing is stored.",
  tags: ["templates"],
  responses: success(200, "The drafted definition and what it reads from the samples", DraftSchema, { example: EXAMPLE }),
});

export const templateDraftRoutes = new Hono<AppEnv>().post("/templates/draft", draftTemplateRoute, requireScope("write"), valid("json", DraftBody),
  async (c) => reply(c, DraftSchema, await draftDefinition(c.get("services"), c.get("caller"), c.req.valid("json"))));
