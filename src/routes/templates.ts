import { Hono, type Context } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import {
  findTemplate, insertTemplate, listTemplates, listTemplateVersions, findTemplateVersion, updateTemplateDraft,
  type TemplateRow,
} from "../db/queries/templates";
import { badRequest, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { multipartBody } from "../http/multipart";
import { offsetPage } from "../http/list";
import { HEADER_PARAMETERS, multipartForm, success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid, type CrossCheck } from "../http/validate";
import { createPipeline, CreatePipelineBody, DocumentInput } from "../pipeline/create";
import { requireModel } from "../pipeline/model-run";
import { FieldsInput, PhasesInput, type DefinitionInput } from "../pipeline/definition";
import { compileTemplate, publishTemplate, templateProblems, type TemplateDefinition } from "../templates/definition";
import { ContextVarsInput } from "../templates/context-vars";
import { BooleanQuery, IdParam, PageQuery, withOffset } from "./params";
import { idempotent, IDEMPOTENCY_FAILURES, idempotentWrite } from "./idempotency";
import { CREATED_RUN_EXAMPLE } from "./run-examples";
import { RunSchema } from "./run-schemas";
import {
  PUBLISHED_VERSION_EXAMPLE, PublishedVersionSchema, TEMPLATE_DETAIL_EXAMPLE, TEMPLATE_EXAMPLE, TEMPLATE_LIST_EXAMPLE,
  TEMPLATE_VERSION_EXAMPLE, TemplateDetailSchema, TemplateListSchema, TemplateSchema, TemplateVersionSchema,
} from "./template-schemas";

const Name = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200));
const Description = v.pipe(v.string(), v.maxLength(2000));

const CreateTemplateBody = v.strictObject({
  name: Name, description: v.optional(Description), fields: FieldsInput, phases: PhasesInput, context_vars: v.optional(ContextVarsInput),
});
const PatchTemplateBody = v.pipe(
  v.strictObject({
    name: v.optional(Name), description: v.optional(v.nullable(Description)), fields: v.optional(FieldsInput), phases: v.optional(PhasesInput),
    context_vars: v.optional(ContextVarsInput),
  }),
  v.check((body) => Object.keys(body).length > 0, "give at least one of name, description, fields, phases, context_vars"),
);
const ListQuery = v.object({
  published: BooleanQuery,
  ...PageQuery.entries,
});
const VersionParam = v.object({
  id: v.pipe(v.string(), v.uuid("must be a UUID")),
  n: v.pipe(v.string(), v.regex(/^[1-9]\d{0,5}$/, "must be a version number"), v.transform(Number)),
});

/** A template run: the pipeline body without the definition, plus a single `file_url` shorthand. */
const TemplateRunBody = v.strictObject({
  ...v.omit(CreatePipelineBody, ["template_id", "fields", "phases", "documents"]).entries,
  file_url: v.optional(v.pipe(v.string(), v.maxLength(2048), v.url("must be a URL"))),
  documents: v.optional(v.array(DocumentInput)),
});

const fieldSummary = (definition: unknown) =>
  ((definition as DefinitionInput | null)?.fields ?? []).map((f) => ({
    name: f.name, type: f.type, required: f.required ?? false, description: f.description ?? null,
  }));

const presentTemplate = (row: TemplateRow) => {
  const draft = row.draft as TemplateDefinition;
  return {
    id: row.id, name: row.name, description: row.description, fields: draft.fields, phases: draft.phases, context_vars: draft.context_vars ?? [],
    latest_version: row.latest_version, created_at: row.created_at, updated_at: row.updated_at,
  };
};

/** A refused body is also checked as a definition, so one answer lists every problem. */
const createProblems: CrossCheck = (input) => {
  const body = input as Partial<TemplateDefinition>;
  return Array.isArray(body.fields) && Array.isArray(body.phases) ? templateProblems(body as TemplateDefinition) : [];
};

/** For an edit, the definition checked is the draft it would make: the stored one with the body's parts. */
const patchProblems: CrossCheck = async (input, c) => {
  const row = await findTemplate(c.get("services").db, c.get("caller").organizationId, c.req.param("id") ?? "");
  if (!row) return [];
  const body = input as Partial<TemplateDefinition>;
  const draft = row.draft as TemplateDefinition;
  return templateProblems({ fields: body.fields ?? draft.fields, phases: body.phases ?? draft.phases, context_vars: body.context_vars ?? draft.context_vars });
};

async function ownTemplate(c: Context<AppEnv>, id: string) {
  const row = await findTemplate(c.get("services").db, c.get("caller").organizationId, id);
  if (!row) throw notFound("template");
  return row;
}

const RUN_TEMPLATE_EXAMPLE = {
  ...CREATED_RUN_EXAMPLE, name: "run 2026-11-30T00:14:12.156Z", template_id: TEMPLATE_EXAMPLE.id, template_version: 1,
  pipeline_id: TEMPLATE_EXAMPLE.id, pipeline_version: 1,
};

const createTemplateRoute = describeRoute({
  operationId: "createTemplate",
  summary: "Create a template (a draft)",
  description: "A reusable definition: edit the draft, publish it as immutable versions, run a version over documents.",
  tags: ["templates"],
  responses: success(201, "The template with its draft", TemplateSchema, {
    example: { ...TEMPLATE_EXAMPLE, latest_version: 0, updated_at: TEMPLATE_EXAMPLE.created_at },
  }),
});

async function create(c: Context<AppEnv>, body: v.InferOutput<typeof CreateTemplateBody>) {
  requireModel(compileTemplate(body), c.get("services").config);
  const row = await insertTemplate(c.get("services").db, {
    organizationId: c.get("caller").organizationId, name: body.name, description: body.description ?? null,
    draft: { fields: body.fields, phases: body.phases, ...(body.context_vars ? { context_vars: body.context_vars } : {}) },
  });
  return reply(c, TemplateSchema, presentTemplate(row), 201);
}

const listTemplatesRoute = describeRoute({
  operationId: "listTemplates",
  summary: "List templates, newest first; published=true lists published ones with their fields",
  tags: ["templates"],
  responses: success(200, "A page of templates with their total", TemplateListSchema, { example: TEMPLATE_LIST_EXAMPLE }),
});

async function list(c: Context<AppEnv>, query: v.InferOutput<typeof ListQuery>) {
  const q = withOffset(query);
  const { items, total } = await listTemplates(c.get("services").db, c.get("caller").organizationId, q);
  const presented = items.map(({ published_definition, ...t }) => ({
    ...t, fields: fieldSummary(published_definition), context_vars: (published_definition as TemplateDefinition | null)?.context_vars ?? [],
  }));
  return reply(c, TemplateListSchema, offsetPage(presented, { limit: q.limit, offset: q.offset, total }));
}

const getTemplateRoute = describeRoute({
  operationId: "getTemplate",
  summary: "Get a template: its draft and published versions",
  tags: ["templates"],
  responses: success(200, "The template and its versions", TemplateDetailSchema, { example: TEMPLATE_DETAIL_EXAMPLE }),
});

const updateTemplateDraftRoute = describeRoute({
  operationId: "updateTemplateDraft",
  summary: "Edit a template's draft",
  description: "Only the fields given change; published versions never do.",
  tags: ["templates"],
  responses: success(200, "The template with its edited draft", TemplateSchema, { example: TEMPLATE_EXAMPLE }),
});

async function updateDraft(c: Context<AppEnv>, id: string, body: v.InferOutput<typeof PatchTemplateBody>) {
  const row = await ownTemplate(c, id);
  const draft = row.draft as TemplateDefinition;
  const contextVars = body.context_vars ?? draft.context_vars;
  const next = { fields: body.fields ?? draft.fields, phases: body.phases ?? draft.phases, ...(contextVars ? { context_vars: contextVars } : {}) };
  compileTemplate(next);
  const updated = await updateTemplateDraft(c.get("services").db, c.get("caller").organizationId, row.id, {
    name: body.name ?? row.name, description: body.description === undefined ? row.description : body.description, draft: next,
  });
  return reply(c, TemplateSchema, presentTemplate(updated!));
}

const publishTemplateRoute = describeRoute({
  operationId: "publishTemplate",
  summary: "Freeze the draft as the next immutable version",
  tags: ["templates"],
  responses: success(201, "The new version", PublishedVersionSchema, { example: PUBLISHED_VERSION_EXAMPLE }),
});

const getTemplateVersionRoute = describeRoute({
  operationId: "getTemplateVersion",
  summary: "Get one published version",
  tags: ["templates"],
  responses: success(200, "The version's definition", TemplateVersionSchema, { example: TEMPLATE_VERSION_EXAMPLE }),
});

const runTemplateRoute = describeRoute({
  operationId: "runTemplate",
  summary: "Run a template version over documents (202); JSON or multipart",
  description: "The latest version unless `version` is given; `file_url` is a shorthand for one document.",
  tags: ["templates"],
  parameters: [HEADER_PARAMETERS.idempotencyKey],
  requestBody: multipartForm,
  responses: {
    ...success(202, "The run, queued, with its execution and the template it follows", RunSchema, { example: RUN_TEMPLATE_EXAMPLE, headers: ["Idempotency-Replayed"] }),
    ...IDEMPOTENCY_FAILURES,
  },
});

async function runTemplate(c: Context<AppEnv>, body: v.InferOutput<typeof TemplateRunBody>) {
  const { id } = v.parse(IdParam, c.req.param()); // already checked by valid("param")
  const { file_url, documents = [], ...rest } = body;
  const all = [...documents, ...(file_url ? [{ file_url }] : [])];
  if (all.length === 0) throw badRequest("nothing to run", [{ path: "file_url", message: "give file_url, documents or files (file.0, …)" }]);
  const input = { ...rest, template_id: id, documents: all };
  return idempotent(c, {
    schema: RunSchema, status: 202, request: input, scope: "template:",
    run: (key) => createPipeline(c.get("services"), c.get("caller"), input, key),
  });
}

export const templateRoutes = new Hono<AppEnv>()
  .post("/templates", createTemplateRoute, requireScope("write"), valid("json", CreateTemplateBody, createProblems), idempotentWrite(),
    (c) => create(c, c.req.valid("json")))
  .get("/templates", listTemplatesRoute, requireScope("read"), valid("query", ListQuery), (c) => list(c, c.req.valid("query")))
  .get("/templates/:id", getTemplateRoute, requireScope("read"), valid("param", IdParam), async (c) => {
    const row = await ownTemplate(c, c.req.valid("param").id);
    return reply(c, TemplateDetailSchema, { ...presentTemplate(row), versions: await listTemplateVersions(c.get("services").db, row.id) });
  })
  .patch("/templates/:id", updateTemplateDraftRoute, requireScope("write"), valid("param", IdParam), valid("json", PatchTemplateBody, patchProblems), idempotentWrite(),
    (c) => updateDraft(c, c.req.valid("param").id, c.req.valid("json")))
  .post("/templates/:id/publish", publishTemplateRoute, requireScope("write"), valid("param", IdParam), idempotentWrite(), async (c) => {
    const caller = c.get("caller");
    const published = await publishTemplate(c.get("services"), caller.organizationId, c.req.valid("param").id, caller.keyId);
    return reply(c, PublishedVersionSchema, published, 201);
  })
  .get("/templates/:id/versions/:n", getTemplateVersionRoute, requireScope("read"), valid("param", VersionParam), async (c) => {
    const { id, n } = c.req.valid("param");
    const version = await findTemplateVersion(c.get("services").db, c.get("caller").organizationId, id, n);
    if (!version) throw notFound("template version");
    const { definition, compiled: _compiled, ...rest } = version;
    const { fields, phases, context_vars = [] } = definition as TemplateDefinition;
    return reply(c, TemplateVersionSchema, { ...rest, fields, phases, context_vars });
  })
  .post("/templates/:id/run", runTemplateRoute, requireScope("write"), valid("param", IdParam),
    multipartBody(TemplateRunBody, runTemplate), valid("json", TemplateRunBody), (c) => runTemplate(c, c.req.valid("json")));
