import * as v from "valibot";
import { named } from "../named-schema";
import { listPage } from "../http/list";
import { Timestamp } from "./schema-fields";

/**
 * Response schemas and examples of templates. Fields, phases and context variables are shown as
 * they were given (createTemplate's body describes them), so they are plain JSON objects here.
 */
const Definition = {
  fields: v.pipe(v.array(v.record(v.string(), v.unknown())), v.description("as given: see the request body of createTemplate")),
  phases: v.pipe(v.array(v.record(v.string(), v.unknown())), v.description("as given: see the request body of createTemplate")),
  context_vars: v.pipe(
    v.array(v.record(v.string(), v.unknown())),
    v.description("variables a run passes in `context`; expressions read them as $context.<name>"),
  ),
};

export const TemplateSchema = named("Template", v.object({
  id: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  ...Definition,
  latest_version: v.pipe(v.number(), v.description("the newest published version; 0 while only the draft exists")),
  created_at: Timestamp,
  updated_at: Timestamp,
}));

const PublishedSchema = named("PublishedVersion", v.object({ version: v.number(), published_at: Timestamp }));

export const TemplateDetailSchema = named("TemplateDetail", v.object({ ...TemplateSchema.entries, versions: v.array(PublishedSchema) }));

export const PublishedVersionSchema = PublishedSchema;

export const TemplateListSchema = named("TemplatePage", listPage(v.object({
  id: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  latest_version: v.number(),
  created_at: Timestamp,
  updated_at: Timestamp,
  published_at: v.pipe(v.nullable(Timestamp), v.description("when the latest version was published; null while unpublished")),
  fields: v.pipe(
    v.array(v.object({ name: v.string(), type: v.string(), required: v.boolean(), description: v.nullable(v.string()) })),
    v.description("the latest published version's fields; empty while unpublished"),
  ),
  context_vars: v.array(v.record(v.string(), v.unknown())),
})));

export const TemplateVersionSchema = named("TemplateVersion", v.object({
  template_id: v.string(),
  version: v.number(),
  name: v.string(),
  description: v.nullable(v.string()),
  published_at: Timestamp,
  ...Definition,
}));

const TEMPLATE_ID = "f221fddb-4aeb-49a4-a2a2-ded3ce8fa1fa";
const CREATED = "2026-11-30T00:14:11.560Z";
const PUBLISHED = "2026-11-30T00:14:11.621Z";
const FIELDS = [
  { name: "invoice_number", type: "string", required: true, extract: [{ type: "label", labels: ["Invoice No", "Invoice #"] }] },
  { name: "total", type: "currency", required: true, extract: [{ type: "label", labels: ["Total"] }], resolve: { currency: "EUR" } },
  { name: "issued", type: "date", extract: [{ type: "label", labels: ["Date"] }], resolve: { day_first: true } },
];
const PHASES = [
  { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
  { type: "validation", gates: [{ id: "sane_total", mode: "blocking", rules: [{ rule: "max", field: "total", value: 10000 }] }] },
];
const CONTEXT_VARS = [{ name: "supplier", type: "string", required: false, description: "the supplier's name as in the ERP" }];

export const TEMPLATE_EXAMPLE = {
  id: TEMPLATE_ID, name: "Invoices", description: "Supplier invoices", fields: FIELDS, phases: PHASES, context_vars: CONTEXT_VARS,
  latest_version: 1, created_at: CREATED, updated_at: PUBLISHED,
};

export const TEMPLATE_DETAIL_EXAMPLE = { ...TEMPLATE_EXAMPLE, versions: [{ version: 1, published_at: PUBLISHED }] };

export const PUBLISHED_VERSION_EXAMPLE = { version: 2, published_at: "2026-11-30T09:02:44.310Z" };

export const TEMPLATE_LIST_EXAMPLE = {
  items: [{
    id: TEMPLATE_ID, name: "Invoices", description: "Supplier invoices", latest_version: 1, created_at: CREATED, updated_at: PUBLISHED,
    published_at: PUBLISHED, context_vars: CONTEXT_VARS,
    fields: FIELDS.map((f) => ({ name: f.name, type: f.type, required: f.required ?? false, description: null })),
  }],
  total: 1, limit: 50, offset: 0, next_cursor: null,
};

export const TEMPLATE_VERSION_EXAMPLE = {
  template_id: TEMPLATE_ID, version: 1, name: "Invoices", description: "Supplier invoices", published_at: PUBLISHED,
  fields: FIELDS, phases: PHASES, context_vars: CONTEXT_VARS,
};

