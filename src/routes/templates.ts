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
import { multipartForm, success } from "../http/openapi";
import { valid } from "../http/validate";
import { createPipeline, CreatePipelineBody, DocumentInput } from "../pipeline/create";
import { compileDefinition, FieldsInput, PhasesInput, type DefinitionInput } from "../pipeline/definition";
import { publishTemplate, type TemplateDefinition } from "../templates/definition";
import { checkContextReferences, ContextVarsInput } from "../templates/context-vars";
import { IdParam, PageQuery, withOffset } from "./params";
import { RunSchema } from "./run-schemas";

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
  published: v.optional(v.pipe(v.picklist(["true", "false"]), v.transform((s) => s === "true"))),
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

async function ownTemplate(c: Context<AppEnv>, id: string) {
  const row = await findTemplate(c.get("services").db, c.get("caller").organizationId, id);
  if (!row) throw notFound("template");
  return row;
}

async function runTemplate(c: Context<AppEnv>, body: v.InferOutput<typeof TemplateRunBody>) {
  const { id } = v.parse(IdParam, c.req.param()); // already checked by valid("param")
  const { file_url, documents = [], ...rest } = body;
  const all = [...documents, ...(file_url ? [{ file_url }] : [])];
  if (all.length === 0) throw badRequest("nothing to run", [{ path: "file_url", message: "give file_url, documents or files (file.0, …)" }]);
  return c.json(await createPipeline(c.get("services"), c.get("caller"), { ...rest, template_id: id, documents: all }), 202);
}

export const templateRoutes = new Hono<AppEnv>()
  .post("/templates", describeRoute({
    summary: "Create a template (a draft)",
    tags: ["templates"],
    responses: success(201, "The template with its draft"),
  }), requireScope("write"), valid("json", CreateTemplateBody), async (c) => {
    const body = c.req.valid("json");
    compileDefinition({ fields: body.fields, phases: body.phases });
    checkContextReferences(body);
    const row = await insertTemplate(c.get("services").db, {
      organizationId: c.get("caller").organizationId, name: body.name, description: body.description ?? null,
      draft: { fields: body.fields, phases: body.phases, ...(body.context_vars ? { context_vars: body.context_vars } : {}) },
    });
    return c.json(presentTemplate(row), 201);
  })
  .get("/templates", describeRoute({
    summary: "List templates; published=true lists published ones with their fields",
    tags: ["templates"],
    responses: success(200, "{ items, total, limit, offset }"),
  }), requireScope("read"), valid("query", ListQuery), async (c) => {
    const q = withOffset(c.req.valid("query"));
    const { items, total } = await listTemplates(c.get("services").db, c.get("caller").organizationId, q);
    return c.json({
      items: items.map(({ published_definition, ...t }) => ({
        ...t, fields: fieldSummary(published_definition), context_vars: (published_definition as TemplateDefinition | null)?.context_vars ?? [],
      })),
      total, limit: q.limit, offset: q.offset,
    });
  })
  .get("/templates/:id", describeRoute({
    summary: "Get a template: its draft and published versions",
    tags: ["templates"],
    responses: success(200, "The template and its versions"),
  }), requireScope("read"), valid("param", IdParam), async (c) => {
    const row = await ownTemplate(c, c.req.valid("param").id);
    return c.json({ ...presentTemplate(row), versions: await listTemplateVersions(c.get("services").db, row.id) });
  })
  .patch("/templates/:id", describeRoute({
    summary: "Edit a template's draft",
    tags: ["templates"],
    responses: success(200, "The template with its edited draft"),
  }), requireScope("write"), valid("param", IdParam), valid("json", PatchTemplateBody), async (c) => {
    const row = await ownTemplate(c, c.req.valid("param").id);
    const body = c.req.valid("json");
    const draft = row.draft as TemplateDefinition;
    const contextVars = body.context_vars ?? draft.context_vars;
    const next = { fields: body.fields ?? draft.fields, phases: body.phases ?? draft.phases, ...(contextVars ? { context_vars: contextVars } : {}) };
    compileDefinition(next);
    checkContextReferences(next);
    const updated = await updateTemplateDraft(c.get("services").db, c.get("caller").organizationId, row.id, {
      name: body.name ?? row.name, description: body.description === undefined ? row.description : body.description, draft: next,
    });
    return c.json(presentTemplate(updated!));
  })
  .post("/templates/:id/publish", describeRoute({
    summary: "Freeze the draft as the next immutable version",
    tags: ["templates"],
    responses: success(201, "The new version"),
  }), requireScope("write"), valid("param", IdParam), async (c) => {
    const caller = c.get("caller");
    return c.json(await publishTemplate(c.get("services"), caller.organizationId, c.req.valid("param").id, caller.keyId), 201);
  })
  .get("/templates/:id/versions/:n", describeRoute({
    summary: "Get one published version",
    tags: ["templates"],
    responses: success(200, "The version's definition"),
  }), requireScope("read"), valid("param", VersionParam), async (c) => {
    const { id, n } = c.req.valid("param");
    const version = await findTemplateVersion(c.get("services").db, c.get("caller").organizationId, id, n);
    if (!version) throw notFound("template version");
    const { definition, compiled: _compiled, ...rest } = version;
    const { fields, phases, context_vars = [] } = definition as TemplateDefinition;
    return c.json({ ...rest, fields, phases, context_vars });
  })
  .post("/templates/:id/run", describeRoute({
    summary: "Run a template version over documents (202); JSON or multipart",
    tags: ["templates"],
    requestBody: multipartForm,
    responses: success(202, "The run, queued, with seed 004's fields", RunSchema),
  }), requireScope("write"), valid("param", IdParam),
    multipartBody(TemplateRunBody, runTemplate), valid("json", TemplateRunBody), (c) => runTemplate(c, c.req.valid("json")));
